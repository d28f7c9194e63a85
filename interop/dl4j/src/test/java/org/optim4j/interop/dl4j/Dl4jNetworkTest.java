package org.optim4j.interop.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/** The spec's MLP (small: 64-32-10) on the digits, trained by DL4J with its own updaters and with optim4j's. */
class Dl4jNetworkTest {
    private static DigitsData data;
    private static List<DataSet> batches;

    @BeforeAll
    static void load() {
        data = DigitsData.load(42);
        batches = DigitsData.batches(data.train, 32);
    }

    static MultiLayerConfiguration conf(IUpdater updater, IUpdater biasUpdater) {
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder().seed(42).weightInit(WeightInit.XAVIER)
                .updater(updater);
        if (biasUpdater != null) {
            b.biasUpdater(biasUpdater);
        }
        return b.list()
                .layer(new DenseLayer.Builder().nIn(64).nOut(32).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(32).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    static MultiLayerNetwork net(IUpdater updater) {
        MultiLayerNetwork n = new MultiLayerNetwork(conf(updater, null));
        n.init();
        return n;
    }

    static void fit(MultiLayerNetwork net, int iterations) {
        for (int i = 0; i < iterations; i++) {
            net.fit(batches.get(i % batches.size()));
        }
    }

    static double accuracy(MultiLayerNetwork net) {
        Evaluation e = new Evaluation(10);
        e.eval(data.test.getLabels(), net.output(data.test.getFeatures()));
        return e.accuracy();
    }

    static float maxAbsDiff(MultiLayerNetwork a, MultiLayerNetwork b) {
        float[] x = a.params().toFloatVector(), y = b.params().toFloatVector();
        float m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }

    @Test
    void dl4jConventionModeGivesDl4jsAdamParameters() {
        MultiLayerNetwork theirs = net(new Adam(0.01));
        MultiLayerNetwork ours = net(Optim4jUpdater.dl4jAdam(0.01));
        assertEquals(0f, maxAbsDiff(theirs, ours));
        int n = 100;
        fit(theirs, n);
        fit(ours, n);
        float d = maxAbsDiff(theirs, ours);
        System.out.printf("DL4J Adam vs optim4j adam_dl4j after %d iterations: max |Δθ| = %g over %d parameters%n", n, d,
                theirs.numParams());
        assertTrue(d <= 1e-6f, "max |Δθ| = " + d);
        assertArrayEquals(theirs.getUpdater().getStateViewArray().toFloatVector(),
                ours.getUpdater().getStateViewArray().toFloatVector(), 1e-6f);
    }

    @Test
    void specModeReachesTheSameAccuracy() {
        MultiLayerNetwork theirs = net(new Adam(0.01));
        MultiLayerNetwork ours = net(Optim4jUpdater.adam(0.01));
        int epochs = 8;
        fit(theirs, epochs * batches.size());
        fit(ours, epochs * batches.size());
        double a = accuracy(theirs), b = accuracy(ours);
        System.out.printf("test accuracy after %d epochs: DL4J Adam %.4f, optim4j adam (spec) %.4f%n", epochs, a, b);
        assertTrue(a > 0.9 && b > 0.9, a + " " + b);
        assertTrue(Math.abs(a - b) <= 0.02, a + " vs " + b);
    }

    @Test
    void oneUpdaterBlockWithStateKTimesN() {
        MultiLayerNetwork net = net(Optim4jUpdater.adam(0.01));
        MultiLayerUpdater u = (MultiLayerUpdater) net.getUpdater();
        assertEquals(1, u.getUpdaterBlocks().size(), "equal configurations merge into one block");
        assertEquals(2 * net.numParams(), u.getStateViewArray().length());
        // another bias updater: two blocks per layer, still k·n in total
        MultiLayerNetwork two = new MultiLayerNetwork(conf(Optim4jUpdater.adam(0.01), Optim4jUpdater.of("sgd")));
        two.init();
        long biases = 32 + 10;
        assertEquals(2 * (two.numParams() - biases), two.getUpdater().getStateViewArray().length());
        fit(two, 5);
    }

    @Test
    void saveWithUpdaterAndResumeBitIdentically() throws Exception {
        saveAndResume(Optim4jUpdater.parse("adam", "lr=linear:0.01,0.001,200")); // update form
        System.setProperty("optim4j.dl4j.updateForm", "false");
        try {
            saveAndResume(Optim4jUpdater.parse("momentum", "lr=0.05,rho=0.9")); // scratch form
        } finally {
            System.clearProperty("optim4j.dl4j.updateForm");
        }
    }

    private static void saveAndResume(IUpdater updater) throws Exception {
        MultiLayerNetwork net = net(updater);
        fit(net, 30);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, out, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(out.toByteArray()), true);
        assertEquals(net.getLayerWiseConfigurations(), restored.getLayerWiseConfigurations());
        assertArrayEquals(net.getUpdater().getStateViewArray().toFloatVector(),
                restored.getUpdater().getStateViewArray().toFloatVector());
        for (int i = 30; i < 60; i++) {
            net.fit(batches.get(i % batches.size()));
            restored.fit(batches.get(i % batches.size()));
        }
        assertArrayEquals(net.params().toFloatVector(), restored.params().toFloatVector());
        assertArrayEquals(net.getUpdater().getStateViewArray().toFloatVector(),
                restored.getUpdater().getStateViewArray().toFloatVector());
    }

    @Test
    void perLayerUpdatersTrainAndRoundTrip() {
        MultiLayerConfiguration c = new NeuralNetConfiguration.Builder().seed(42).weightInit(WeightInit.XAVIER)
                .updater(new Adam(0.01)).list()
                .layer(new DenseLayer.Builder().nIn(64).nOut(32).activation(Activation.RELU)
                        .updater(Optim4jUpdater.of("rmsprop", java.util.Map.of("lr", 0.002))).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(32).nOut(10)
                        .activation(Activation.SOFTMAX).updater(Optim4jUpdater.parse("nesterov", "lr=0.05,rho=0.9"))
                        .biasUpdater(Optim4jUpdater.of("sgd", java.util.Map.of("lr", 0.1))).build())
                .build();
        assertEquals(c, MultiLayerConfiguration.fromJson(c.toJson()));
        MultiLayerNetwork net = new MultiLayerNetwork(c);
        net.init();
        assertEquals(3, ((MultiLayerUpdater) net.getUpdater()).getUpdaterBlocks().size());
        fit(net, 3 * batches.size());
        double a = accuracy(net);
        System.out.printf("per-layer rmsprop / nesterov / sgd (bias): accuracy %.4f after 3 epochs%n", a);
        assertTrue(a > 0.85, "accuracy " + a);
    }

    @Test
    void configurationJsonRoundTrips() {
        MultiLayerConfiguration c = conf(Optim4jUpdater.of("momentum", java.util.Map.of("lr", 0.05, "rho", 0.8))
                        .withSchedule("lr", new ExponentialSchedule(ScheduleType.EPOCH, 0.05, 0.9)),
                Optim4jUpdater.parse("sgd", "lr=linear:0.1,0.01,100"));
        String json = c.toJson();
        assertTrue(json.contains(Optim4jUpdater.class.getName()), json);
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
        assertEquals(c, back);
        assertEquals(json, back.toJson());
        MultiLayerConfiguration dl4jMode = conf(Optim4jUpdater.dl4jAdam(0.01), null);
        assertEquals(dl4jMode, MultiLayerConfiguration.fromJson(dl4jMode.toJson()));
    }
}
