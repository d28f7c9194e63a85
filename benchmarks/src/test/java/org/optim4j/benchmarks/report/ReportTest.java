package org.optim4j.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optim4j.benchmarks.BenchRules;

/** The report's arithmetic on a hand-made JMH result file whose right answers are worked out below. */
class ReportTest {
    @TempDir
    Path dir;

    private static String result(String benchmark, String params, int threads, double score, String extra) {
        return "{\"benchmark\":\"org.optim4j.benchmarks." + benchmark + "\",\"mode\":\"thrpt\",\"threads\":" + threads
                + ",\"params\":{" + params + "},\"primaryMetric\":{\"score\":" + score
                + ",\"scoreError\":" + (score / 10) + ",\"scoreUnit\":\"ops/s\"}" + extra + "}";
    }

    private static String step(String backend, String size, double score) {
        return result("StepBenchmark.step", "\"backend\":\"" + backend + "\",\"rule\":\"adam\",\"size\":\"" + size + "\"",
                1, score, ",\"secondaryMetrics\":{\"gc.alloc.rate.norm\":{\"score\":0.01,\"scoreUnit\":\"B/op\"}}");
    }

    /**
     * The rows of {@link #sample()}: three steps at 64K, DL4J's, the two four-array rooflines once per rule that
     * moves four arrays (Adam, …), the three-array pass once per rule that moves three, three steps at 16M.
     */
    private static int sampleRows() {
        long four = BenchRules.IDS.stream().filter(r -> BenchRules.arrays(r) == 4).count();
        long three = BenchRules.IDS.stream().filter(r -> BenchRules.arrays(r) == 3).count();
        return (int) (3 + 1 + 2 * four + three + 3);
    }

    private Report sample() throws IOException {
        String k64 = "65536";
        String m16 = "16777216";
        String json = "[" + String.join(",",
                step("scalar", k64, 1000),                   // 65.536 Mparam/s
                step("simd", k64, 40000),                    // 2621.44 Mparam/s = 73.4 GB/s at 28 B/param
                step("nd4j", k64, 2000),
                result("peers.Dl4jUpdaterBenchmark.step", "\"rule\":\"adam\",\"size\":\"" + k64 + "\"", 1, 500, ""),
                // 2 threads, 100000 slices of 32768 per second in all: 3276.8 Mparam/s = 91.75 GB/s
                result("roofline.RooflineBenchmark.allThreads", "\"arrays\":\"4\",\"size\":\"" + k64 + "\"", 2, 100000, ""),
                result("roofline.RooflineBenchmark.oneThread", "\"arrays\":\"4\",\"size\":\"" + k64 + "\"", 1, 40000, ""),
                // Momentum, Nesterov, AdaGrad and RMSProp share the three-array pass: one result, four rows.
                result("roofline.RooflineBenchmark.oneThread", "\"arrays\":\"3\",\"size\":\"" + k64 + "\"", 1, 50000, ""),
                step("scalar", m16, 5),
                step("simd", m16, 80),
                step("nd4j", m16, 90),
                result("SomeoneElsesBenchmark.run", "", 1, 1, "")) + "]";
        Path file = dir.resolve("jmh.json");
        Files.writeString(file, json);
        return Report.of(JmhResults.read(file));
    }

    @Test
    void ratesRatiosAndRooflineFractionFollowFromTheScores() throws IOException {
        Report report = sample();
        Report.Row simd = report.find("adam", "65536", "simd").orElseThrow();
        assertEquals(2621.44, simd.measurement().mparamPerSecond(), 1e-9);
        assertEquals(2621.44e6 * 28 / 1e9, simd.gbPerSecond(), 1e-9);
        assertEquals(2621.44 / 3276.8, simd.rooflineFraction(), 1e-12, "against the better (all-core) roofline");
        assertEquals(40.0, simd.speedupOverScalar(), 1e-12);
        assertEquals(80.0, simd.speedupOverDl4j(), 1e-12);
        assertEquals(0.01, simd.measurement().bytesPerStep(), 1e-12);
        assertEquals(0.1, simd.measurement().errorFraction(), 1e-12);

        Report.Row roofline = report.find("adam", "65536", Report.ROOFLINE).orElseThrow();
        assertEquals(3276.8, roofline.measurement().mparamPerSecond(), 1e-9, "summed over threads, each on half");
        assertEquals(1.0, roofline.rooflineFraction(), 1e-12);
        assertTrue(Double.isNaN(report.find("adam", "16777216", "simd").orElseThrow().speedupOverDl4j()),
                "no DL4J result at 16M: no ratio");
        assertEquals("simd", report.fastest("adam", "65536").orElseThrow().measurement().implementation());
        assertEquals(sampleRows(), report.rows().size(), "the foreign benchmark is skipped");
        assertEquals(50000.0 * 65536 / 1e6, report.find("rmsprop", "65536", Report.ROOFLINE_ONE_THREAD).orElseThrow()
                .measurement().mparamPerSecond(), 1e-9);
    }

    @Test
    void recommendationsSplitSizeRangesAtTheGeometricMean() throws IOException {
        Report report = sample();
        Map<String, TreeMap<Integer, String>> all = report.recommendations(List.of("scalar", "simd", "nd4j"));
        assertEquals(new TreeMap<>(Map.of(0, "simd", 1048576, "nd4j")), all.get("adam"));
        Map<String, TreeMap<Integer, String>> heap = report.recommendations(List.of("scalar", "simd"));
        assertEquals(new TreeMap<>(Map.of(0, "simd")), heap.get("adam"));
        assertEquals("adam      n < 1048576 → simd; n ≥ 1048576 → nd4j\n", Report.recommendationText(all));
    }

    @Test
    void csvAndJsonCarryEveryRow() throws IOException {
        Report report = sample();
        List<String> lines = report.csv().lines().toList();
        assertEquals(1 + sampleRows(), lines.size());
        assertTrue(lines.get(0).startsWith("rule,size,parameters,implementation"));
        JsonObject json = JsonParser.parseString(report.json(report.recommendations(List.of("simd"))).toString())
                .getAsJsonObject();
        assertEquals(sampleRows(), json.getAsJsonArray("results").size());
        assertTrue(json.getAsJsonArray("results").get(0).getAsJsonObject().get("speedupOverDl4j") != null);
        assertTrue(report.table().contains("simd"));
    }

    @Test
    void aFileThatIsNotJmhJsonIsRefusedByName() throws IOException {
        Path file = dir.resolve("notes.json");
        Files.writeString(file, "{\"hello\": 1}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JmhResults.read(file));
        assertTrue(e.getMessage().contains("notes.json"), e.getMessage());
        Files.writeString(file, "[{\"benchmark\":\"org.optim4j.benchmarks.StepBenchmark.step\",\"threads\":1,"
                + "\"params\":{\"backend\":\"simd\",\"rule\":\"adam\",\"size\":\"4096\"},"
                + "\"primaryMetric\":{\"score\":1,\"scoreUnit\":\"us/op\"}}]");
        e = assertThrows(IllegalArgumentException.class, () -> JmhResults.read(file));
        assertTrue(e.getMessage().contains("us/op"), e.getMessage());
    }
}
