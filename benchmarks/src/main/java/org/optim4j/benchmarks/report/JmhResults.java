package org.optim4j.benchmarks.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.optim4j.benchmarks.BenchRules;
import org.optim4j.benchmarks.Workload;

/** Reads the suite's results from the JSON file JMH writes ({@code -rf json}). */
public final class JmhResults {
    private static final String PACKAGE = "org.optim4j.benchmarks.";

    private JmhResults() {
    }

    /**
     * The suite's measurements in {@code file}; results of other benchmarks are skipped.
     *
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if it is not JMH's JSON (the message names the file)
     */
    public static List<Measurement> read(Path file) throws IOException {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(JsonParser.parseReader(in), file.toString());
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException | NullPointerException e) {
            throw new IllegalArgumentException("not a JMH JSON result file: " + file + " (" + e.getMessage() + ")", e);
        }
    }

    static List<Measurement> parse(JsonElement root, String source) {
        if (!root.isJsonArray()) {
            throw new IllegalArgumentException("not a JMH JSON result file: " + source + " (no top-level array)");
        }
        List<Measurement> out = new ArrayList<>();
        for (JsonElement e : (JsonArray) root) {
            JsonObject r = e.getAsJsonObject();
            String benchmark = r.get("benchmark").getAsString();
            if (!benchmark.startsWith(PACKAGE)) {
                continue;
            }
            String method = benchmark.substring(PACKAGE.length());
            JsonObject params = r.has("params") ? r.getAsJsonObject("params") : new JsonObject();
            String implementation = implementation(method, params);
            if (implementation == null) {
                continue;
            }
            String size = params.get("size").getAsString();
            int parameters = Workload.of(size).parameters();
            int threads = r.get("threads").getAsInt();
            JsonObject primary = r.getAsJsonObject("primaryMetric");
            double opsPerSecond = primary.get("score").getAsDouble();
            String unit = primary.get("scoreUnit").getAsString();
            if (!unit.equals("ops/s")) {
                throw new IllegalArgumentException(source + ": " + benchmark + " is in " + unit + ", expected ops/s");
            }
            double error = primary.has("scoreError") && primary.get("scoreError").isJsonPrimitive()
                    && primary.get("scoreError").getAsJsonPrimitive().isNumber()
                    ? primary.get("scoreError").getAsDouble() / opsPerSecond : Double.NaN;
            // Each thread's step covers parameters/threads elements (the roofline's slices); 1 thread elsewhere.
            double mparams = opsPerSecond * parameters / threads / 1e6;
            for (String rule : rules(params)) {
                out.add(new Measurement(implementation, rule, size, parameters, threads, mparams, error,
                        allocation(r)));
            }
        }
        return out;
    }

    /** The rule of a result; a roofline pass stands for every rule that moves its arrays. */
    private static List<String> rules(JsonObject params) {
        if (params.has("rule")) {
            return List.of(params.get("rule").getAsString());
        }
        int arrays = params.get("arrays").getAsInt();
        return BenchRules.IDS.stream().filter(rule -> BenchRules.arrays(rule) == arrays).toList();
    }

    private static String implementation(String method, JsonObject params) {
        switch (method) {
            case "StepBenchmark.step":
                return params.get("backend").getAsString();
            case "peers.Dl4jUpdaterBenchmark.step":
                return Report.DL4J;
            case "peers.Nd4jNativeOpBenchmark.step":
                return Report.ND4J_OP;
            case "roofline.RooflineBenchmark.oneThread":
                return Report.ROOFLINE_ONE_THREAD;
            case "roofline.RooflineBenchmark.allThreads":
                return Report.ROOFLINE;
            default:
                return null;
        }
    }

    private static double allocation(JsonObject r) {
        if (!r.has("secondaryMetrics")) {
            return Double.NaN;
        }
        JsonObject secondary = r.getAsJsonObject("secondaryMetrics");
        if (!secondary.has("gc.alloc.rate.norm")) {
            return Double.NaN;
        }
        return secondary.getAsJsonObject("gc.alloc.rate.norm").get("score").getAsDouble();
    }
}
