package org.optim4j.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.executor.TaskMetrics;
import org.optim4j.network.Activation;
import org.optim4j.network.MlpArchitecture;
import org.optim4j.network.data.Dataset;
import org.optim4j.network.train.DataParallelReference;
import org.optim4j.rule.Adam;

/**
 * Per-step time of each mode next to the single-process data-parallel step, at a given network size, in
 * local[2]; and the bytes Spark's task metrics show moving per step (shuffle written/read, task results), to check
 * the cost model of spark/README.md. Run by hand, not by the build:
 *
 * <pre>
 * mvn -B -o -q test-compile -pl spark -am
 * mvn -B -o -q dependency:build-classpath -pl spark -am -Dmdep.outputFile=$PWD/cp.txt -Dmdep.includeScope=test
 * java -Xmx14g -cp "spark/target/test-classes:spark/target/classes:$(cat cp.txt)" org.optim4j.spark.StepCostMain 1m [kryo]
 * </pre>
 *
 * Modes are measured interleaved (single, driver, sharded, averaging; three rounds), keeping each one's best mean,
 * because this machine's speed drifts between minutes. The network is 64-h-h-10 with h picked for the size; the
 * batch is 2 rows per worker so the gradient's compute does not hide the communication.
 */
public final class StepCostMain {
    public static void main(String[] args) throws Exception {
        String size = args.length > 0 ? args[0] : "1m";
        int hidden = switch (size) {
            case "1m" -> 990;
            case "16m" -> 4000;
            default -> throw new IllegalArgumentException("size must be 1m or 16m, got " + size);
        };
        int steps = size.equals("1m") ? 10 : 4;
        int rounds = 3;
        MlpArchitecture arch = MlpArchitecture.of(Activation.RELU, 64, hidden, hidden, 10);
        Dataset train = synthetic(512, 64, 10, 1);
        Path dir = Files.createTempDirectory("optim4j-step-cost");
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("optim4j step cost")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1").set("spark.driver.maxResultSize", "4g");
        boolean kryo = args.length > 1 && args[1].equals("kryo");
        if (kryo) {
            // Kryo for shuffles and task results (closures and broadcasts of the Java API stay Java-serialised).
            conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        }
        Map<String, Double> best = new LinkedHashMap<>();
        Map<String, String> bytes = new LinkedHashMap<>();
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            sc.setCheckpointDir(dir.toString());
            Metrics metrics = new Metrics();
            sc.sc().addSparkListener(metrics);
            System.out.printf(Locale.ROOT, "%d parameters, W = 2, 2 rows per worker, Adam, backend simd, %d steps x %d "
                    + "rounds, %s serializer%n", arch.parameterCount(), steps, rounds, kryo ? "Kryo" : "Java");
            for (int r = 0; r < rounds; r++) {
                time(best, "single process", () -> {
                    DataParallelReference ref = referenceOf(arch, train);
                    ref.step();
                    return (Runnable) ref::step;
                }, steps);
                for (SparkTrainer.Mode mode : SparkTrainer.Mode.values()) {
                    SparkTrainer t = SparkTrainer.builder(sc, arch, Adam.defaults(), train).mode(mode).workers(2)
                            .perWorkerBatch(2).seed(1).backend("simd").lineageCheckpointEvery(10).localSteps(4)
                            .build();
                    t.step(); // warm-up, outside the timing
                    metrics.reset();
                    long before = t.stepCount();
                    String name = mode + (mode == SparkTrainer.Mode.PARAMETER_AVERAGING ? " (k = 4)" : "");
                    long start = System.nanoTime();
                    int calls = mode == SparkTrainer.Mode.PARAMETER_AVERAGING ? Math.max(1, steps / 4) : steps;
                    for (int i = 0; i < calls; i++) {
                        t.step();
                    }
                    double ms = (System.nanoTime() - start) * 1e-6 / (t.stepCount() - before);
                    best.merge(name, ms, Math::min);
                    long n = t.stepCount() - before;
                    Thread.sleep(1000); // the listener bus delivers task metrics asynchronously
                    bytes.put(name, String.format(Locale.ROOT,
                            "shuffle written %.2f MB, shuffle read %.2f MB, task results %.2f MB per step",
                            metrics.shuffleWritten.get() / 1e6 / n, metrics.shuffleRead.get() / 1e6 / n,
                            metrics.results.get() / 1e6 / n));
                    if (mode == SparkTrainer.Mode.SHARDED_STATE && r == rounds - 1) {
                        // What the executors hold for the state: Spark's size estimate of the cached partitions.
                        for (org.apache.spark.storage.RDDInfo info : sc.sc().getRDDStorageInfo()) {
                            if (info.name().startsWith(SparkTrainer.STATE_RDD_NAME)) {
                                System.out.printf(Locale.ROOT, "        cached %s: %d partitions, %.2f MB in memory, "
                                        + "%.2f MB on disk%n", info.name(), info.numCachedPartitions(),
                                        info.memSize() / 1e6, info.diskSize() / 1e6);
                            }
                        }
                    }
                    t.close();
                    System.out.printf(Locale.ROOT, "round %d %-32s %9.1f ms/step%n", r, name, ms);
                }
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "best of %d rounds, %d parameters (4P = %.1f MB), load average %s%n", rounds,
                arch.parameterCount(), 4e-6 * arch.parameterCount(), Files.readString(Path.of("/proc/loadavg")).trim());
        for (Map.Entry<String, Double> e : best.entrySet()) {
            System.out.printf(Locale.ROOT, "%-32s %9.1f ms/step  %s%n", e.getKey(), e.getValue(),
                    bytes.getOrDefault(e.getKey(), ""));
        }
    }

    private interface Setup {
        Runnable get();
    }

    private static void time(Map<String, Double> best, String name, Setup setup, int steps) {
        Runnable step = setup.get();
        long start = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            step.run();
        }
        double ms = (System.nanoTime() - start) * 1e-6 / steps;
        best.merge(name, ms, Math::min);
        System.out.printf(Locale.ROOT, "        %-32s %9.1f ms/step%n", name, ms);
    }

    private static DataParallelReference referenceOf(MlpArchitecture arch, Dataset train) {
        org.optim4j.network.Mlp mlp = org.optim4j.network.Mlp.create(arch, org.optim4j.network.Engine.JAVA, 2);
        org.optim4j.spi.FloatArrayBuffer theta = org.optim4j.spi.FloatArrayBuffer.zeros(arch.parameterCount());
        mlp.initialise(theta, 1);
        org.optim4j.Optimizer o = org.optim4j.Optimizer.create(Adam.defaults(),
                org.optim4j.backend.Backends.byName("simd"), arch.parameterCount());
        return new DataParallelReference(mlp, o, theta, train,
                new org.optim4j.network.train.ShardPlan(train.rows(), 2, 2, 1), 0);
    }

    /** Random rows: the cost does not depend on what the data is. */
    static Dataset synthetic(int rows, int features, int classes, long seed) {
        Random random = new Random(seed);
        float[] x = new float[rows * features];
        int[] y = new int[rows];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        for (int i = 0; i < rows; i++) {
            y[i] = random.nextInt(classes);
        }
        return new Dataset(x, y, features, classes);
    }

    /** Sums the bytes Spark's task metrics report. */
    static final class Metrics extends SparkListener {
        final AtomicLong shuffleWritten = new AtomicLong();
        final AtomicLong shuffleRead = new AtomicLong();
        final AtomicLong results = new AtomicLong();

        void reset() {
            shuffleWritten.set(0);
            shuffleRead.set(0);
            results.set(0);
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            TaskMetrics m = end.taskMetrics();
            if (m == null) {
                return;
            }
            shuffleWritten.addAndGet(m.shuffleWriteMetrics().bytesWritten());
            shuffleRead.addAndGet(m.shuffleReadMetrics().totalBytesRead());
            results.addAndGet(m.resultSize());
        }
    }
}
