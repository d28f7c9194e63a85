package org.optim4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optim4j.backend.BackendProfile;
import org.optim4j.backend.Backends;
import org.optim4j.benchmarks.BenchBackends;
import org.openjdk.jmh.annotations.Param;
import org.optim4j.benchmarks.BenchRules;
import org.optim4j.benchmarks.StepBenchmark;
import org.optim4j.benchmarks.peers.Dl4jUpdaterBenchmark;
import org.optim4j.benchmarks.report.JmhResults;
import org.optim4j.benchmarks.report.Measurement;
import org.optim4j.benchmarks.report.Report;
import org.optim4j.rule.UpdateRule;
import picocli.CommandLine;

/**
 * CI smoke run of {@code bench --quick} at a tiny size, so the command cannot rot: every benchmark
 * produces a result, the outputs parse, and the next backend choice reads the profile. No performance
 * is asserted (speed is shown in JMH runs, not in tests).
 */
class BenchCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int bench(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "bench";
        System.arraycopy(args, 0, all, 1, args.length);
        return cl.execute(all);
    }

    @Test
    void quickBenchAtATinySizeWritesTableJsonAndProfile() throws Exception {
        // Other JMH runs may share this machine; a smoke run measures nothing that they could spoil.
        System.setProperty("jmh.ignoreLock", "true");
        Path results = dir.resolve("jmh.json");
        Path profile = dir.resolve("profile.properties");
        int code = bench("--quick", "--sizes", "4096", "--time", "8", "--results", results.toString(),
                "--profile", profile.toString(), "--json");
        assertEquals(0, code, err.toString());

        // What the run must produce, from the benchmarks' own parameters: each rule on each available backend,
        // the two rooflines of each rule, and DL4J on each rule its benchmark has (not from BenchCommand's count).
        Set<String> keys = new TreeSet<>();
        for (String rule : params(StepBenchmark.class, "rule")) {
            for (String backend : BenchBackends.available()) {
                keys.add(backend + " " + rule);
            }
            keys.add(Report.ROOFLINE + " " + rule);
            keys.add(Report.ROOFLINE_ONE_THREAD + " " + rule);
        }
        for (String rule : params(Dl4jUpdaterBenchmark.class, "rule")) {
            keys.add(Report.DL4J + " " + rule);
        }
        int expected = keys.size();
        List<Measurement> measured = JmhResults.read(results);
        assertEquals(keys, measured.stream().map(m -> m.implementation() + " " + m.rule())
                .collect(Collectors.toCollection(TreeSet::new)), "every benchmark produced a result\n" + err);
        assertEquals(expected, measured.size(), "one result per benchmark\n" + err);
        JsonObject json = JsonParser.parseString(out.toString()).getAsJsonObject();
        assertEquals(expected, json.getAsJsonArray("results").size());
        for (JsonElement row : json.getAsJsonArray("results")) {
            assertTrue(row.getAsJsonObject().get("mparamPerSecond").getAsDouble() > 0, row.toString());
        }
        assertEquals(BenchRules.IDS.size(), json.getAsJsonObject("recommendations").size());

        BackendProfile written = BackendProfile.read(profile);
        assertEquals(BackendProfile.currentMachine(), written.machine());
        assertEquals(BenchRules.IDS.size(), written.recommendations().size());

        // The next choice of a backend follows the profile just written.
        UpdateRule adam = BenchRules.rule("adam");
        String recommended = written.recommend("adam", 4096).orElseThrow();
        String before = System.getProperty(BackendProfile.PATH_PROPERTY);
        System.setProperty(BackendProfile.PATH_PROPERTY, profile.toString());
        try {
            assertEquals(recommended, Backends.select(adam, 4096).name());
        } finally {
            if (before == null) {
                System.clearProperty(BackendProfile.PATH_PROPERTY);
            } else {
                System.setProperty(BackendProfile.PATH_PROPERTY, before);
            }
        }

        // --from reports on the same file without measuring, here as CSV.
        out.getBuffer().setLength(0);
        assertEquals(0, bench("--from", results.toString(), "--profile", profile.toString(), "--csv"), err.toString());
        assertEquals(expected + 1, out.toString().lines().count());
    }

    @Test
    void badOptionsAreRefusedWithTheValue() {
        assertEquals(2, bench("--sizes", "lots", "--from", "nowhere.json"));
        assertTrue(err.toString().contains("'lots'"), err.toString());
        assertEquals(2, bench("--quick", "--full"));
        assertTrue(err.toString().contains("--quick and --full"), err.toString());
        assertEquals(2, bench("--time", "0"));
        assertTrue(err.toString().contains("--time must be > 0"), err.toString());
    }

    @Test
    void aFileThatIsNotJmhJsonIsRefusedByName() throws Exception {
        Path notes = dir.resolve("notes.json");
        java.nio.file.Files.writeString(notes, "{}");
        assertEquals(2, bench("--from", notes.toString(), "--profile", dir.resolve("p").toString()));
        assertTrue(err.toString().contains("notes.json"), err.toString());
    }

    /** The values of the JMH {@code @Param} on {@code field} of {@code benchmark}. */
    private static List<String> params(Class<?> benchmark, String field) throws NoSuchFieldException {
        return List.of(benchmark.getField(field).getAnnotation(Param.class).value());
    }
}
