package org.optim4j.interop.djl;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Arrays;

/**
 * A timed benchmark (not run in CI; needs the {@code djl} profile's engine): the MLP 64-32-10 of
 * {@link Optim4jDjlOptimizerTest} on the digits' training split (PyTorch engine, CPU, one OpenMP thread), batch 32,
 * with DJL's own Sgd and Adam and with this adapter's, interleaved in one run: every round fits each model one more
 * epoch; median ms per epoch over the rounds after two warm-up rounds.
 *
 * <pre>
 * mvn -B -o -q test-compile dependency:build-classpath -Pdjl -pl interop/djl -am -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * DJL_CACHE_DIR=interop/djl/target/djl-cache OMP_NUM_THREADS=1 java -Dai.djl.offline=true -Dai.djl.default_engine=PyTorch \
 *      -cp interop/djl/target/test-classes:interop/djl/target/classes:core/target/classes:network/target/classes:$(cat /tmp/cp.txt) \
 *      org.optim4j.interop.djl.DjlTrainBenchmark [rounds]
 * </pre>
 *
 * Measured 2026-11-29 10:55 (2-core Intel Xeon, load average 1.5 by {@code uptime}; the engine unpacked from the
 * local Maven repository's natives jar, nothing downloaded), 44 steps per epoch, 31 rounds, median (min) ms per
 * epoch: DJL Sgd 19.9 (17.4), optim4j sgd 22.9 (18.5); DJL Adam 26.1 (22.3), optim4j adam 23.4 (18.8).
 */
public final class DjlTrainBenchmark {
    private DjlTrainBenchmark() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 31;
        int batch = 32;
        Optim4jDjlOptimizerTest.load();
        int steps = Optim4jDjlOptimizerTest.trainRows() / batch;
        String[] names = {"DJL Sgd", "optim4j sgd", "DJL Adam", "optim4j adam"};
        Optim4jDjlOptimizerTest.Run[] runs = {
                new Optim4jDjlOptimizerTest.Run(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build()),
                new Optim4jDjlOptimizerTest.Run(Optim4jDjlOptimizer.builder("sgd").hyperParameters("lr=0.1").build()),
                new Optim4jDjlOptimizerTest.Run(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build()),
                new Optim4jDjlOptimizerTest.Run(Optim4jDjlOptimizer.builder("adam").hyperParameters("lr=0.01").build())};
        System.out.printf("MLP 64-32-10, %d steps of batch %d per epoch, %d rounds; OMP_NUM_THREADS=%s%n", steps, batch,
                rounds, System.getenv("OMP_NUM_THREADS"));
        double[][] ms = new double[names.length][rounds];
        for (int r = -2; r < rounds; r++) { // two warm-up rounds
            for (int i = 0; i < names.length; i++) {
                long t0 = System.nanoTime();
                runs[i].fit(steps, batch);
                long t1 = System.nanoTime();
                if (r >= 0) {
                    ms[i][r] = (t1 - t0) / 1e6;
                }
            }
        }
        System.out.printf("%-14s %16s %10s %10s %10s%n", "optimizer", "median ms/epoch", "min", "max", "accuracy");
        for (int i = 0; i < names.length; i++) {
            double[] s = ms[i].clone();
            Arrays.sort(s);
            System.out.printf("%-14s %16.1f %10.1f %10.1f %10.4f%n", names[i], s[s.length / 2], s[0], s[s.length - 1],
                    runs[i].accuracy());
            runs[i].close();
        }
    }
}
