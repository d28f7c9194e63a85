package org.optim4j.spark.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.optim4j.network.Activation;
import org.optim4j.network.Engine;
import org.optim4j.network.Mlp;
import org.optim4j.network.MlpArchitecture;
import org.optim4j.network.data.Dataset;
import org.optim4j.network.data.Digits;
import org.optim4j.rule.Rules;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spark.SparkStepException;
import org.optim4j.spark.SparkTrainer;
import org.optim4j.spi.FloatArrayBuffer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code optim4j train-spark}: the MLP on the UCI digits, data-parallel on Spark. Its own entry point (and jar), so
 * the main command line never needs Spark on its class path. A user's mistake prints one line and exits 2; a step
 * Spark could not run prints one line and exits 1.
 */
@Command(name = "train-spark", mixinStandardHelpOptions = true, version = "optim4j-spark 0.1.0-SNAPSHOT",
        description = {"Train the MLP on the digits data-parallel on Apache Spark.",
                "Modes: driver (state on the driver, MLlib's pattern), sharded (state sharded across executors, "
                        + "ZeRO-1), averaging (local SGD, parameters averaged every --local-steps)."})
public final class TrainSparkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--master", defaultValue = "local[2]", description = "Spark master (default ${DEFAULT-VALUE}); "
            + "under spark-submit the master it sets wins.")
    String master;

    @Option(names = "--mode", defaultValue = "sharded", description = "driver, sharded or averaging (default ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--rule", defaultValue = "adam", description = "Update rule id (default ${DEFAULT-VALUE}).")
    String rule;

    @Option(names = "--hp", paramLabel = "KEY=VALUE,…", description = "The rule's hyper-parameters, e.g. learning_rate=0.01.")
    String hyper;

    @Option(names = "--hidden", defaultValue = "32", paramLabel = "N,N,…", split = ",",
            description = "Hidden layer sizes (default ${DEFAULT-VALUE}).")
    List<Integer> hidden;

    @Option(names = "--activation", defaultValue = "relu", description = "Hidden activation (default ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--workers", defaultValue = "2", description = "Data-parallel workers W (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--batch", defaultValue = "16", description = "Rows per worker per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--steps", defaultValue = "200", description = "Global steps (default ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of θ and the shuffles (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--shards", defaultValue = "0", description = "State shards K, sharded mode (default: W).")
    int shards;

    @Option(names = "--local-steps", defaultValue = "1", description = "Averaging: local steps k per round (default ${DEFAULT-VALUE}).")
    int localSteps;

    @Option(names = "--average-state", defaultValue = "true", negatable = true, fallbackValue = "true",
            description = "Averaging: average the optimizer state too (default ${DEFAULT-VALUE}).")
    boolean averageState;

    @Option(names = "--backend", defaultValue = "simd", description = "optim4j backend: simd or scalar (default ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "Write a sharded checkpoint here at the end "
            + "(and every --checkpoint-every steps); on a cluster a directory every executor can reach.")
    Path checkpointDir;

    @Option(names = "--checkpoint-every", defaultValue = "0", description = "Steps between checkpoints (0: at the end only).")
    long checkpointEvery;

    @Option(names = "--resume", description = "Continue the run saved in --checkpoint-dir.")
    boolean resume;

    @Option(names = "--rdd-checkpoint-dir", paramLabel = "DIR", description = "Spark's checkpoint directory, for "
            + "cutting the sharded state's lineage (default: a temporary directory, local masters only).")
    String rddCheckpointDir;

    @Option(names = "--lineage-checkpoint-every", defaultValue = "10",
            description = "Sharded mode: checkpoint the state RDD every N steps (default ${DEFAULT-VALUE}).")
    int lineageEvery;

    @Option(names = "--log-every", defaultValue = "20", description = "Print the loss every N steps (default ${DEFAULT-VALUE}).")
    long logEvery;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command and returns its exit code (for tests). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new TrainSparkCommand()).setOut(out).setErr(err);
        cl.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println(e.getMessage());
            return 2;
        });
        cl.setExecutionExceptionHandler((e, c, p) -> {
            if (e instanceof SparkStepException) {
                c.getErr().println(e.getMessage());
            } else {
                c.getErr().println("optim4j train-spark failed: " + e + " (this is a bug)");
            }
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() throws IOException {
        SparkTrainer.Mode m = userValue(() -> SparkTrainer.Mode.parse(mode));
        UpdateRule r = userValue(() -> Rules.create(rule, hyper == null ? Map.of() : Rules.parse(rule, hyper)));
        Activation act = userValue(() -> Activation.parse(activation));
        if (resume && checkpointDir == null) {
            throw new ParameterException(spec.commandLine(), "--resume needs --checkpoint-dir");
        }
        if (steps < 1 || logEvery < 1 || checkpointEvery < 0) {
            throw new ParameterException(spec.commandLine(), "--steps and --log-every must be >= 1 and "
                    + "--checkpoint-every >= 0, got " + steps + ", " + logEvery + ", " + checkpointEvery);
        }
        Dataset.Split data = Digits.load().scaledBy(Digits.MAX_PIXEL).split(0.8, 42);
        int[] sizes = new int[hidden.size() + 2];
        sizes[0] = data.train().featureCount();
        for (int i = 0; i < hidden.size(); i++) {
            sizes[i + 1] = hidden.get(i);
        }
        sizes[sizes.length - 1] = data.train().classCount();
        MlpArchitecture arch = userValue(() -> MlpArchitecture.of(act, sizes));
        PrintWriter out = spec.commandLine().getOut();

        SparkConf conf = new SparkConf().setAppName("optim4j train-spark").setIfMissing("spark.master", master)
                .setIfMissing("spark.ui.enabled", "false");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            String dir = rddCheckpointDir;
            if (dir == null && m == SparkTrainer.Mode.SHARDED_STATE && lineageEvery > 0) {
                if (!sc.master().startsWith("local")) {
                    throw new ParameterException(spec.commandLine(), "--rdd-checkpoint-dir is needed with master "
                            + sc.master() + " (a directory every executor can reach), or --lineage-checkpoint-every 0");
                }
                Path tmp = Files.createTempDirectory("optim4j-spark-rdd");
                tmp.toFile().deleteOnExit();
                dir = tmp.toString();
            }
            if (dir != null) {
                sc.setCheckpointDir(dir);
            }
            SparkTrainer.Builder b = userValue(() -> {
                SparkTrainer.Builder x = SparkTrainer.builder(sc, arch, r, data.train()).mode(m).workers(workers)
                        .perWorkerBatch(batch).seed(seed).backend(backend).lineageCheckpointEvery(lineageEvery)
                        .localSteps(localSteps).averageState(averageState);
                if (shards > 0) {
                    x.shards(shards);
                }
                if (resume) {
                    x.resumeFrom(checkpointDir);
                }
                return x;
            });
            try (SparkTrainer t = userBuild(b)) {
                out.printf("%s mode, %s, rule %s, %d parameters, master %s%n", m, t.plan(), r.id(),
                        arch.parameterCount(), sc.master());
                long start = System.nanoTime();
                long first = t.stepCount();
                long lastLog = first;
                while (t.stepCount() < steps) {
                    t.step();
                    if (t.stepCount() - lastLog >= logEvery || t.stepCount() >= steps) {
                        out.printf("step %d  loss %.5f%n", t.stepCount(), t.lastLoss());
                        lastLog = t.stepCount();
                    }
                    if (checkpointDir != null && checkpointEvery > 0 && t.stepCount() % checkpointEvery == 0) {
                        t.saveCheckpoint(checkpointDir);
                    }
                }
                double seconds = (System.nanoTime() - start) * 1e-9;
                if (checkpointDir != null) {
                    t.saveCheckpoint(checkpointDir);
                    out.println("checkpoint: " + checkpointDir.toAbsolutePath());
                }
                out.printf("%d steps in %.2f s (%.1f ms/step), test accuracy %.4f%n", t.stepCount() - first, seconds,
                        seconds * 1e3 / Math.max(1, t.stepCount() - first), accuracy(arch, t.parameters(), data.test()));
            }
        }
        return 0;
    }

    private SparkTrainer userBuild(SparkTrainer.Builder b) throws IOException {
        try {
            return b.build();
        } catch (IllegalArgumentException | java.nio.file.NoSuchFileException e) {
            throw new ParameterException(spec.commandLine(), e instanceof java.nio.file.NoSuchFileException
                    ? "--checkpoint-dir: no checkpoint at " + e.getMessage() : e.getMessage());
        }
    }

    private <T> T userValue(Callable<T> c) {
        try {
            return c.call();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fraction of rows whose largest logit is at their label. */
    static double accuracy(MlpArchitecture arch, float[] theta, Dataset test) {
        int classes = arch.classCount();
        int cap = 256;
        Mlp mlp = Mlp.create(arch, Engine.JAVA, cap);
        org.optim4j.network.Batch batch = org.optim4j.network.Batch.allocate(cap, arch.inputSize());
        float[] logits = new float[cap * classes];
        int correct = 0;
        int[] rows = new int[cap];
        for (int from = 0; from < test.rows(); from += cap) {
            int n = Math.min(cap, test.rows() - from);
            for (int i = 0; i < n; i++) {
                rows[i] = from + i;
            }
            test.fill(batch, rows, 0, n);
            mlp.logits(FloatArrayBuffer.wrap(theta), batch, logits);
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int j = 1; j < classes; j++) {
                    if (logits[i * classes + j] > logits[i * classes + best]) {
                        best = j;
                    }
                }
                if (best == test.label(from + i)) {
                    correct++;
                }
            }
        }
        return (double) correct / test.rows();
    }
}
