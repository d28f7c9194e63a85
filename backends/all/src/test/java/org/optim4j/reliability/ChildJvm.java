package org.optim4j.reliability;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts a fresh JVM on the test class path, with the module flags this JVM was started with. */
public final class ChildJvm {
    private ChildJvm() {
    }

    public static ProcessBuilder command(Class<?> mainClass, List<String> jvmOptions, String... args) {
        List<String> cmd = new ArrayList<>();
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        cmd.add(java.toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // Module flags and system properties; no agents or debuggers.
            if (a.startsWith("--add-") || a.startsWith("--enable-") || (a.startsWith("-D") && !a.startsWith("-Dsurefire"))) {
                cmd.add(a);
            }
        }
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        // Surefire runs tests from a manifest-only jar; its test class path is in this property.
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        cmd.add(cp);
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /** How a child JVM ended: its exit code and its output (stdout and stderr, merged). */
    public record Result(int exitCode, String output) {
    }

    /**
     * Runs the child to its end, at most {@code timeout}: its output goes to {@code outputFile} (a file, not a pipe,
     * so a child that writes a lot cannot block on a full pipe, and waiting for its end is not waiting for its
     * output), and a child still running at the timeout is killed ({@link Process#destroyForcibly()}) and the test
     * fails with what it printed so far. Reading a pipe to its end before {@code waitFor(timeout)} would wait for
     * as long as the child runs, so the timeout could never fire and a hung child would hang the build.
     */
    public static Result run(ProcessBuilder command, Duration timeout, Path outputFile) throws IOException, InterruptedException {
        Process child = command.redirectErrorStream(true).redirectOutput(outputFile.toFile()).start();
        if (!child.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            child.destroyForcibly();
            boolean gone = child.waitFor(30, TimeUnit.SECONDS);
            String out = Files.readString(outputFile, StandardCharsets.UTF_8);
            throw new AssertionError("child JVM " + mainClass(command) + " did not finish within " + timeout.toSeconds() + " s; killed" + (gone ? "" : " (and still not gone)")
                    + ". Its output so far:\n" + tail(out));
        }
        return new Result(child.exitValue(), Files.readString(outputFile, StandardCharsets.UTF_8));
    }

    /** The main class of a command made by {@link #command}: the element after the class path. */
    private static String mainClass(ProcessBuilder command) {
        List<String> c = command.command();
        int cp = c.indexOf("-cp");
        return cp >= 0 && cp + 2 < c.size() ? c.get(cp + 2) : String.join(" ", c);
    }

    private static String tail(String s) {
        return s.length() <= 4000 ? s : "…" + s.substring(s.length() - 4000);
    }
}
