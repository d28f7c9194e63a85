package org.optim4j.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.optim4j.backend.BackendProfile;
import org.optim4j.backend.Backends;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.FloatArrayBuffer;
import org.optim4j.benchmarks.BenchBackends;
import org.optim4j.benchmarks.BenchRules;
import org.optim4j.benchmarks.ReferenceCheck;
import org.optim4j.benchmarks.Workload;
import org.optim4j.benchmarks.peers.Peers;
import org.optim4j.benchmarks.report.JmhResults;
import org.optim4j.benchmarks.report.Measurement;
import org.optim4j.benchmarks.report.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Measures every backend against the scalar reference, the roofline and DL4J on this machine (the JMH
 * suite of the {@code benchmarks} module), prints the table, and writes JMH's JSON and the per-machine
 * backend profile that {@link org.optim4j.backend.Backends} reads.
 *
 * <p>The default and {@code --quick} sweeps run in this JVM (no fork, a JVM start per benchmark would
 * use the whole budget) with iteration times calibrated to the budget; {@code --full} runs the whole
 * suite with JMH's forks and the iteration counts of the annotations (or of {@code --jmh}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Benchmark every backend against the scalar reference, the roofline and DL4J on this machine;",
                "print the table, write JMH's JSON and the backend profile used to choose a backend here."})
final class BenchCommand implements Callable<Integer> {
    private static final String PACKAGE = "org\\.optim4j\\.benchmarks\\.";
    private static final String STEP = PACKAGE + "StepBenchmark\\.step$";
    private static final String ROOFLINE = PACKAGE + "roofline\\.RooflineBenchmark\\.";
    private static final String DL4J = PACKAGE + "peers\\.Dl4jUpdaterBenchmark\\.step$";
    private static final String WHOLE_SUITE = PACKAGE + ".*";
    private static final List<String> ALL_SIZES = List.of("4096", "65536", "1048576", "16777216", "256x65536", "mixed");
    /** 4M stands for the memory-bound sizes in the short sweep (28 bytes × 4M = 112 MB per Adam step, far beyond
     * the caches), at a quarter of 16M's set-up and step time. */
    private static final List<String> DEFAULT_SIZES = List.of("4096", "65536", "1048576", "4194304");
    private static final List<String> QUICK_SIZES = List.of("65536");
    /** JVM warm-up, ND4J's native start-up and JMH's own work, seen on a 2-core machine. */
    private static final double FIXED_SECONDS = 5;
    private static final double MIN_ITERATION_SECONDS = 0.02;
    private static final int WARMUPS = 1;
    private static final String ND4J_LOG_LEVEL = "org.slf4j.simpleLogger.log.org.nd4j";

    @Option(names = "--quick", description = "A coarse sweep at one size (64K) in about 10 s.")
    boolean quick;

    @Option(names = "--full", description = "The whole JMH suite, forked: every size (with 16M, 256x64K and mixed) "
            + "and ND4J's native ops too (many minutes).")
    boolean full;

    @Option(names = "--time", paramLabel = "SECONDS",
            description = "Time budget of the default (60) or --quick (10) sweep.")
    Double budgetSeconds;

    @Option(names = "--sizes", split = ",", paramLabel = "SIZE",
            description = "Sizes to measure: parameter counts, COUNTxLENGTH (many tensors) or 'mixed' "
                    + "(default: 4096,65536,1048576,4194304; --quick: 65536; --full: 4096,65536,1048576,16777216,"
                    + "256x65536,mixed).")
    List<String> sizes;

    @Option(names = "--jmh", paramLabel = "ARGS",
            description = "Extra JMH options for --full, e.g. \"-wi 2 -i 3 -w 500ms -r 500ms -f 1\".")
    String jmhArgs;

    @Option(names = "--results", paramLabel = "FILE", defaultValue = "optim4j-out/bench-jmh.json",
            description = "Where JMH's JSON goes (default ${DEFAULT-VALUE}); its log goes beside it.")
    Path results;

    @Option(names = "--from", paramLabel = "FILE",
            description = "Measure nothing: report on an earlier run's JMH JSON (writes a profile only with --profile, "
                    + "stamped as this machine's).")
    Path from;

    @Option(names = "--profile", paramLabel = "FILE",
            description = "Where the backend profile goes (default: where backend selection reads it, "
                    + "-Doptim4j.profile or ~/.optim4j/backend-profile.properties).")
    Path profile;

    @Option(names = "--json", description = "Print the results as JSON instead of the table.")
    boolean json;

    @Option(names = "--csv", description = "Print the results as CSV instead of the table.")
    boolean csv;

    @Option(names = "--markdown", description = "Print a compact Markdown table (one line per rule and size) instead.")
    boolean markdown;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        validate();
        // ND4J introduces itself at length on INFO when it loads; keep the console to the progress and the table.
        if (System.getProperty(ND4J_LOG_LEVEL) == null) {
            System.setProperty(ND4J_LOG_LEVEL, "warn");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path jmhJson = from != null ? from : results;
        Set<String> missing = Set.of();
        if (from == null) {
            missing = measure(err);
        }
        List<Measurement> measurements;
        try {
            measurements = JmhResults.read(jmhJson);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (measurements.isEmpty()) {
            err.println("No results of the optim4j suite in " + jmhJson + (from == null ? "; see " + logFile() : ""));
            return 2;
        }
        Report report = Report.of(measurements);
        // The profile serves callers who name no backend, i.e. who pass heap float[]: recommend among those backends.
        Map<String, TreeMap<Integer, String>> recommendations = report.recommendations(heapBackends());
        // Results read back with --from may be old or from elsewhere: they become a profile only when asked.
        Path profilePath = profile != null ? profile : from == null ? BackendProfile.defaultPath() : null;
        BackendProfile written = new BackendProfile(BackendProfile.currentMachine(), Instant.now(), recommendations);
        if (profilePath != null) {
            try {
                written.write(profilePath);
            } catch (IOException e) {
                throw new Main.UserError(spec.commandLine(), "--profile " + profilePath + ": cannot write it ("
                        + OutputPaths.reason(e) + ")");
            }
        }

        if (json) {
            JsonObject o = report.json(recommendations);
            o.addProperty("machine", BackendProfile.currentMachine());
            o.addProperty("jvm", jvm());
            o.addProperty("created", written.created().toString());
            o.addProperty("jmhResults", jmhJson.toString());
            o.addProperty("profile", profilePath == null ? null : profilePath.toString());
            out.println(new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(o));
        } else if (csv) {
            out.print(report.csv());
        } else if (markdown) {
            out.print(report.markdown());
        } else {
            out.printf("optim4j bench — %s, %s, %s%n", BackendProfile.currentMachine(), jvm(), written.created());
            out.println("Mparam/s = parameters updated per second; GB/s from the bytes each rule must move; "
                    + "%roofline = GB/s over the best traffic-only kernel of the same rule and size; "
                    + "x scalar, x DL4J = speed-up in the same run; B/step = heap bytes allocated per step.");
            out.println();
            out.print(report.table());
            out.println();
            out.println("Recommended backend for float[] parameters (fastest measured here; written to the profile), "
                    + "by rule and parameter count n:");
            out.print(Report.recommendationText(recommendations));
        }
        out.flush();
        err.println("JMH results: " + jmhJson + (from == null ? " (log: " + logFile() + ")" : ""));
        err.println(profilePath == null ? "No backend profile written (--from without --profile)."
                : "Backend profile: " + profilePath);
        if (!missing.isEmpty()) {
            err.println(missing.size() + " benchmark(s) produced no result (failed, or refused because they disagree "
                    + "with the reference); see " + logFile() + ":");
            missing.forEach(m -> err.println("  " + m));
            err.flush();
            return 3;
        }
        err.flush();
        return 0;
    }

    private void validate() {
        if (quick && full) {
            throw new ParameterException(spec.commandLine(), "--quick and --full exclude each other");
        }
        if ((json ? 1 : 0) + (csv ? 1 : 0) + (markdown ? 1 : 0) > 1) {
            throw new ParameterException(spec.commandLine(), "--json, --csv and --markdown exclude each other");
        }
        if (budgetSeconds != null && !(budgetSeconds > 0)) {
            throw new ParameterException(spec.commandLine(), "--time must be > 0 seconds, got " + budgetSeconds);
        }
        if (jmhArgs != null && !full) {
            throw new ParameterException(spec.commandLine(), "--jmh applies to --full only");
        }
        if (sizes != null) {
            for (String s : sizes) {
                try {
                    Workload.of(s);
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), "--sizes: " + e.getMessage());
                }
            }
        }
        // The files last: a bad value is reported first, and nothing is created for a command refused anyway.
        if (from != null) {
            OutputPaths.checkReadable(spec.commandLine(), "--from", from);
        } else {
            OutputPaths.checkFile(spec.commandLine(), "--results", results);
        }
        Path profilePath = profile != null ? profile : from == null ? BackendProfile.defaultPath() : null;
        if (profilePath != null) {
            OutputPaths.checkFile(spec.commandLine(), profile != null ? "--profile" : "the backend profile (--profile)",
                    profilePath);
        }
    }

    /** Runs JMH; returns the benchmarks that were expected but produced no result. */
    private Set<String> measure(PrintWriter err) throws IOException {
        List<String> backends = BenchBackends.available();
        List<String> sizeList = sizes != null ? sizes : quick ? QUICK_SIZES : full ? ALL_SIZES : DEFAULT_SIZES;
        Set<String> expected = expected(backends, sizeList);
        Files.createDirectories(results.toAbsolutePath().getParent());
        double budget = budgetSeconds != null ? budgetSeconds : quick ? 10 : 60;
        err.println("optim4j bench: " + benchmarksPerSize(backends.size()) * sizeList.size() + " benchmarks, "
                + (full ? "forked (the whole suite: many minutes)"
                : String.format(Locale.ROOT, "in this JVM within about %.0f s", budget))
                + "; sizes " + sizeList + ", backends " + backends);
        err.flush();

        List<RunResult> all = new ArrayList<>();
        Path log = logFile();
        long start = System.nanoTime();
        try (PrintWriter logWriter = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8));
             ProgressBar bar = Progress.bar("bench", (long) benchmarksPerSize(backends.size()) * sizeList.size(),
                     false)) {
            ProgressOutput output = new ProgressOutput(bar, logWriter);
            // One run per size, smallest first, so that a size's backends, roofline and peers are measured
            // close together in time (this machine's load drifts). In the short sweeps each size takes its
            // share of what is left of the budget, so slow set-ups or a busy machine shorten the later
            // iterations instead of the budget growing.
            for (int i = 0; i < sizeList.size(); i++) {
                ChainedOptionsBuilder options = options(backends, List.of(sizeList.get(i)));
                if (full) {
                    options.include(WHOLE_SUITE);
                    if (jmhArgs == null || !jmhArgs.contains("jvmArgs")) {
                        options.jvmArgsAppend("-D" + ND4J_LOG_LEVEL + "=warn");
                    }
                } else {
                    List<String> rest = sizeList.subList(i, sizeList.size());
                    double left = budget - (System.nanoTime() - start) / 1e9 - (i == 0 ? FIXED_SECONDS : 0);
                    TimeValue t = iterationTime(left, rest, backends.size());
                    logWriter.printf(Locale.ROOT, "# size %s: iterations of %s (%.1f s of the budget left)%n",
                            sizeList.get(i), t, left);
                    options.include(STEP).include(ROOFLINE).include(DL4J)
                            .forks(0).warmupIterations(WARMUPS).warmupTime(t)
                            .measurementIterations(iterations()).measurementTime(t);
                }
                all.addAll(new Runner(options.build(), output).run());
            }
        } catch (RunnerException e) {
            throw new IllegalStateException("JMH failed: " + e.getMessage() + " (see " + log + ")", e);
        }
        ResultFormatFactory.getInstance(ResultFormatType.JSON, results.toString()).writeOut(all);
        err.printf(Locale.ROOT, "Measured in %.0f s.%n", (System.nanoTime() - start) / 1e9);
        Set<String> missing = new LinkedHashSet<>(expected);
        for (Measurement m : JmhResults.read(results)) {
            missing.remove(key(m.implementation(), m.rule(), m.size()));
        }
        return missing;
    }

    /** Options every run shares: the sizes, the available backends, the GC profiler, extra JMH options. */
    private ChainedOptionsBuilder options(List<String> backends, List<String> sizeList) {
        ChainedOptionsBuilder options = new OptionsBuilder();
        if (jmhArgs != null) {
            try {
                options.parent(new CommandLineOptions(jmhArgs.trim().split("\\s+")));
            } catch (CommandLineOptionException e) {
                throw new ParameterException(spec.commandLine(), "--jmh: " + e.getMessage());
            }
        }
        return options.param("size", sizeList.toArray(new String[0]))
                .param("backend", backends.toArray(new String[0]))
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(false);
    }

    private int iterations() {
        return quick ? 1 : 2;
    }

    /** Iteration time that spends {@code seconds} on the benchmarks of {@code sizes}, after their set-up. */
    private TimeValue iterationTime(double seconds, List<String> sizes, int backends) {
        int perSize = benchmarksPerSize(backends);
        double setup = 0;
        for (String s : sizes) {
            setup += setupSeconds(Workload.of(s).parameters()) * perSize;
        }
        double perIteration = (0.8 * seconds - setup) / (perSize * sizes.size() * (WARMUPS + iterations()));
        return TimeValue.milliseconds(Math.round(1000 * Math.max(MIN_ITERATION_SECONDS, perIteration)));
    }

    /** "implementation rule size" of every benchmark the run should produce. */
    private Set<String> expected(List<String> backends, List<String> sizeList) {
        Set<String> keys = new LinkedHashSet<>();
        for (String size : sizeList) {
            for (String rule : BenchRules.IDS) {
                for (String b : backends) {
                    keys.add(key(b, rule, size));
                }
                keys.add(key(Report.ROOFLINE, rule, size));
                keys.add(key(Report.ROOFLINE_ONE_THREAD, rule, size));
            }
            // The registered rules each peer has (neither DL4J nor ND4J has classic momentum).
            for (String rule : Peers.dl4jRules()) {
                keys.add(key(Report.DL4J, rule, size));
            }
            if (full) {
                for (String rule : Peers.nativeOpRules()) {
                    keys.add(key(Report.ND4J_OP, rule, size));
                }
            }
        }
        return keys;
    }

    /** JMH benchmarks per size: each rule on each backend, two rooflines for each of the three traffic patterns,
     * DL4J's rules, and with --full ND4J's native ops. */
    private int benchmarksPerSize(int backends) {
        return BenchRules.IDS.size() * backends + 2 * 3 + Peers.dl4jRules().size()
                + (full ? Peers.nativeOpRules().size() : 0);
    }

    private static String key(String implementation, String rule, String size) {
        return implementation + " " + rule + " " + size;
    }

    /**
     * Time of one benchmark beyond its iterations: seeded data, buffers, the reference check, and the
     * slowest implementations' steps that outlast a short iteration (seen on a busy 2-core machine).
     */
    private static double setupSeconds(int parameters) {
        return 6e-8 * parameters + 2e-7 * ReferenceCheck.checkedLength(parameters);
    }

    private Path logFile() {
        String name = results.getFileName().toString();
        String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return results.resolveSibling(base + ".log");
    }

    /** Available backends whose buffers are heap float[] (nd4j users pick nd4j by name for their INDArrays). */
    private static List<String> heapBackends() {
        Buffer probe = FloatArrayBuffer.wrap(new float[0]);
        return Backends.available().stream().filter(b -> b.owns(probe)).map(Backend::name).toList();
    }

    private static String jvm() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    }

    /** The implementation a benchmark measures, named as in the report. */
    private static String implementation(String benchmark, String backend) {
        if (backend != null) {
            return backend;
        } else if (benchmark.endsWith("Dl4jUpdaterBenchmark.step")) {
            return Report.DL4J;
        } else if (benchmark.endsWith("Nd4jNativeOpBenchmark.step")) {
            return Report.ND4J_OP;
        }
        return benchmark.endsWith("oneThread") ? Report.ROOFLINE_ONE_THREAD : Report.ROOFLINE;
    }

    /** JMH's output: progress on the bar, the text into the log file. */
    private static final class ProgressOutput implements OutputFormat {
        private final ProgressBar bar;
        private final PrintWriter log;

        ProgressOutput(ProgressBar bar, PrintWriter log) {
            this.bar = bar;
            this.log = log;
        }

        @Override
        public void startBenchmark(BenchmarkParams params) {
            String rule = params.getParam("rule") != null ? params.getParam("rule") : params.getParam("arrays") + " arrays";
            bar.setExtraMessage(implementation(params.getBenchmark(), params.getParam("backend")) + " " + rule + " "
                    + Workload.label(params.getParam("size")));
            log.println("# " + params.getBenchmark() + " " + params.getParamsKeys().stream()
                    .map(k -> k + "=" + params.getParam(k)).toList());
        }

        @Override
        public void endBenchmark(BenchmarkResult result) {
            if (result != null) {
                log.println("  " + result.getPrimaryResult());
            }
            bar.step();
        }

        @Override
        public void iteration(BenchmarkParams benchParams, IterationParams params, int iteration) {
        }

        @Override
        public void iterationResult(BenchmarkParams benchParams, IterationParams params, int iteration,
                                    IterationResult data) {
        }

        @Override
        public void startRun() {
        }

        @Override
        public void endRun(Collection<RunResult> result) {
        }

        @Override
        public void print(String s) {
            log.print(s);
        }

        @Override
        public void println(String s) {
            log.println(s);
        }

        @Override
        public void flush() {
            log.flush();
        }

        @Override
        public void close() {
            log.flush();
        }

        @Override
        public void verbosePrintln(String s) {
            log.println(s);
        }

        @Override
        public void write(int b) {
            log.write(b);
        }

        @Override
        public void write(byte[] b) {
            log.print(new String(b, StandardCharsets.UTF_8));
        }
    }
}
