package org.optim4j.interop.dl4j;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A timed benchmark (not run in CI): a full DL4J fit step on an MLP of ≥ 10M parameters with DL4J's Adam and
 * with the optim4j adapter (spec Adam, DL4J-convention Adam, SGD; update form and forced scratch form), alternating
 * in one run.
 * The updater phase is {@code MultiLayerUpdater.update} on the step's gradient, timed separately.
 *
 * <pre>
 * mvn -B -o -q test-compile dependency:build-classpath -pl interop/dl4j -am -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp interop/dl4j/target/test-classes:interop/dl4j/target/classes:core/target/classes:backends/target/classes:network/target/classes:$(cat /tmp/cp.txt) \
 *      org.optim4j.interop.dl4j.Dl4jFitBenchmark [rounds]
 * </pre>
 */
public final class Dl4jFitBenchmark {
    private Dl4jFitBenchmark() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int in = 1000, h = 3000, out = 10, batch = 32;
        DataSet ds = new DataSet(Nd4j.rand(batch, in), Nd4j.zeros(batch, out));
        for (int r = 0; r < batch; r++) {
            ds.getLabels().putScalar(r, r % out, 1);
        }
        String[] names = {"DL4J Adam", "optim4j adam_dl4j", "optim4j adam (spec)", "optim4j adam, scratch form",
                "DL4J Sgd", "optim4j sgd", "optim4j sgd, scratch form"};
        IUpdater sgd = Optim4jUpdater.of("sgd", java.util.Map.of("lr", 1e-3));
        IUpdater[] updaters = {new Adam(1e-3), Optim4jUpdater.dl4jAdam(1e-3), Optim4jUpdater.adam(1e-3),
                Optim4jUpdater.adam(1e-3), new org.nd4j.linalg.learning.config.Sgd(1e-3), sgd, sgd};
        MultiLayerNetwork[] nets = new MultiLayerNetwork[names.length];
        for (int i = 0; i < names.length; i++) {
            IUpdater u = updaters[i];
            MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).weightInit(WeightInit.XAVIER)
                    .updater(u).list()
                    .layer(new DenseLayer.Builder().nIn(in).nOut(h).activation(Activation.RELU).build())
                    .layer(new DenseLayer.Builder().nIn(h).nOut(h).activation(Activation.RELU).build())
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(h).nOut(out)
                            .activation(Activation.SOFTMAX).build())
                    .build();
            nets[i] = new MultiLayerNetwork(conf);
            nets[i].init();
            System.setProperty("optim4j.dl4j.updateForm", names[i].endsWith("scratch form") ? "false" : "true");
            nets[i].getUpdater(); // instantiates the block updaters now
            System.clearProperty("optim4j.dl4j.updateForm");
        }
        System.out.printf("MLP %d-%d-%d-%d, %,d parameters, batch %d, %d rounds; OMP_NUM_THREADS=%s%n", in, h, h, out,
                nets[0].numParams(), batch, rounds, System.getenv("OMP_NUM_THREADS"));
        double[][] step = new double[names.length][rounds], upd = new double[names.length][rounds];
        for (int r = -2; r < rounds; r++) { // two warm-up rounds
            for (int i = 0; i < names.length; i++) {
                MultiLayerNetwork net = nets[i];
                long t0 = System.nanoTime();
                net.fit(ds);
                long t1 = System.nanoTime();
                net.setInput(ds.getFeatures());
                net.setLabels(ds.getLabels());
                net.computeGradientAndScore();
                Gradient g = net.gradient();
                long t2 = System.nanoTime();
                net.getUpdater().update(net, g, net.getIterationCount(), net.getEpochCount(), batch,
                        LayerWorkspaceMgr.noWorkspaces());
                long t3 = System.nanoTime();
                if (r >= 0) {
                    step[i][r] = (t1 - t0) / 1e6;
                    upd[i][r] = (t3 - t2) / 1e6;
                }
            }
        }
        System.out.printf("%-28s %14s %14s%n", "updater", "fit step ms", "updater ms");
        for (int i = 0; i < names.length; i++) {
            System.out.printf("%-28s %14.1f %14.1f%n", names[i], median(step[i]), median(upd[i]));
        }
        INDArray p = nets[0].params();
        System.out.println("(medians; params finite: " + !Double.isNaN(p.sumNumber().doubleValue()) + ")");
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
