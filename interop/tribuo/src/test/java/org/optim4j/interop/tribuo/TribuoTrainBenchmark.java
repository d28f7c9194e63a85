package org.optim4j.interop.tribuo;

import java.util.Arrays;
import java.util.function.Supplier;
import org.optim4j.network.data.Dataset;
import org.optim4j.network.data.Digits;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.math.StochasticGradientOptimiser;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.math.optimisers.Adam;
import org.tribuo.math.optimisers.SGD;

/**
 * A timed benchmark (not run in CI): Tribuo's {@link LinearSGDTrainer} (log-multiclass, minibatch 1) on the digits'
 * training split (as {@link Optim4jOptimiserTest} loads them) with Tribuo's own AdaGrad, SGD and Adam and with this
 * adapter's, interleaved in one run; median ms per epoch over the rounds (each round trains every optimiser
 * afresh for {@code epochs} epochs, after two warm-up rounds).
 *
 * <pre>
 * mvn -B -o -q test-compile dependency:build-classpath -pl interop/tribuo -am -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp interop/tribuo/target/test-classes:interop/tribuo/target/classes:core/target/classes:network/target/classes:$(cat /tmp/cp.txt) \
 *      org.optim4j.interop.tribuo.TribuoTrainBenchmark [rounds] [epochs]
 * </pre>
 *
 * Measured 2026-11-29 10:54 (2-core Intel Xeon, load average 2.2 by {@code uptime}), 1438 examples, 10 epochs per
 * run, 15 rounds, median (min) ms per epoch: Tribuo AdaGrad 10.1 (9.3), optim4j adagrad 16.2 (15.1); Tribuo SGD
 * 5.7 (5.2), optim4j sgd 11.9 (11.0); Tribuo Adam 13.7 (12.8), optim4j adam 19.8 (18.2).
 */
public final class TribuoTrainBenchmark {
    private static final java.util.logging.Logger TRIBUO = java.util.logging.Logger.getLogger("org.tribuo");

    private TribuoTrainBenchmark() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        TRIBUO.setLevel(java.util.logging.Level.WARNING);
        Dataset.Split split = Digits.load().split(0.8, 42);
        MutableDataset<Label> train = Optim4jOptimiserTest.tribuo(split.train());
        String[] names = {"Tribuo AdaGrad", "optim4j adagrad", "Tribuo SGD", "optim4j sgd", "Tribuo Adam",
                "optim4j adam"};
        @SuppressWarnings("unchecked")
        Supplier<StochasticGradientOptimiser>[] opts = new Supplier[] {
                () -> new AdaGrad(0.1, 1e-6), () -> new Optim4jOptimiser("adagrad", "lr=0.1,epsilon=1e-6"),
                () -> SGD.getSimpleSGD(0.1), () -> new Optim4jOptimiser("sgd", "lr=0.1"),
                () -> new Adam(0.01, 0.9, 0.999, 1e-8), () -> new Optim4jOptimiser("adam", "lr=0.01")};
        System.out.printf("digits train split: %d examples, LinearSGDTrainer log-multiclass, minibatch 1, %d epochs "
                + "per run, %d rounds%n", train.size(), epochs, rounds);
        double[][] ms = new double[names.length][rounds];
        double sink = 0;
        for (int r = -2; r < rounds; r++) { // two warm-up rounds
            for (int i = 0; i < names.length; i++) {
                LinearSGDTrainer t = new LinearSGDTrainer(new LogMulticlass(), opts[i].get(), epochs, 1_000_000, 1, 7L);
                long t0 = System.nanoTime();
                LinearSGDModel m = t.train(train);
                long t1 = System.nanoTime();
                sink += m.getWeightsCopy().get(0, 0);
                if (r >= 0) {
                    ms[i][r] = (t1 - t0) / 1e6 / epochs;
                }
            }
        }
        System.out.printf("%-18s %16s %12s %12s%n", "optimiser", "median ms/epoch", "min", "max");
        for (int i = 0; i < names.length; i++) {
            double[] s = ms[i].clone();
            Arrays.sort(s);
            System.out.printf("%-18s %16.1f %12.1f %12.1f%n", names[i], s[s.length / 2], s[0], s[s.length - 1]);
        }
        System.out.println("(sink " + sink + ")");
    }
}
