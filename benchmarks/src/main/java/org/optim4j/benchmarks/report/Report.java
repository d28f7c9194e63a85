package org.optim4j.benchmarks.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.optim4j.benchmarks.BenchRules;
import org.optim4j.benchmarks.Workload;

/**
 * The suite's measurements turned into what a reader compares: GB/s moved, the fraction of the
 * roofline, the speed-ups over the scalar reference and over DL4J, and the fastest backend per rule and
 * size range. All ratios are between results of the same run.
 */
public final class Report {
    public static final String DL4J = "dl4j";
    public static final String ND4J_OP = "nd4j-op";
    /** The traffic-only kernel on all cores, one slice per thread, no hand-off. */
    public static final String ROOFLINE = "roofline";
    public static final String ROOFLINE_ONE_THREAD = "roofline-1t";
    /** Table order of the implementations. */
    static final List<String> ORDER = List.of("scalar", "simd1", "simd", "nd4j", ND4J_OP, DL4J,
            ROOFLINE_ONE_THREAD, ROOFLINE);
    /** Our backends (the others are peers and the roofline). */
    public static final List<String> BACKENDS = List.of("scalar", "simd1", "simd", "nd4j");

    /**
     * One line of the table.
     *
     * @param gbPerSecond       bytes moved per second / 1e9, from {@link BenchRules#bytesPerParameter}
     * @param rooflineFraction  GB/s over the best roofline (one thread or all cores) of the same rule and size
     * @param speedupOverScalar Mparam/s over the scalar reference's
     * @param speedupOverDl4j   Mparam/s over DL4J's updater's (NaN where DL4J has no such rule)
     */
    public record Row(Measurement measurement, double gbPerSecond, double rooflineFraction,
                      double speedupOverScalar, double speedupOverDl4j) {
    }

    private final List<Row> rows;

    private Report(List<Row> rows) {
        this.rows = List.copyOf(rows);
    }

    /** The report of {@code measurements}, sorted by rule, size and implementation. */
    public static Report of(List<Measurement> measurements) {
        List<Measurement> sorted = new ArrayList<>(measurements);
        sorted.sort(Comparator.comparingInt((Measurement m) -> ruleOrder(m.rule()))
                .thenComparing(m -> m.size(), Report::compareSizes)
                .thenComparingInt(m -> implementationOrder(m.implementation())));
        List<Row> rows = new ArrayList<>();
        for (Measurement m : sorted) {
            double gb = m.mparamPerSecond() * 1e6 * BenchRules.bytesPerParameter(m.rule()) / 1e9;
            double roofline = best(measurements, m, ROOFLINE, ROOFLINE_ONE_THREAD);
            double scalar = best(measurements, m, "scalar");
            double dl4j = best(measurements, m, DL4J);
            rows.add(new Row(m, gb, m.mparamPerSecond() / roofline, m.mparamPerSecond() / scalar,
                    m.mparamPerSecond() / dl4j));
        }
        return new Report(rows);
    }

    /** The best Mparam/s among {@code implementations} at the rule and size of {@code like}; NaN if none ran. */
    private static double best(List<Measurement> all, Measurement like, String... implementations) {
        double best = Double.NaN;
        for (Measurement m : all) {
            if (m.rule().equals(like.rule()) && m.size().equals(like.size())
                    && List.of(implementations).contains(m.implementation())
                    && !(m.mparamPerSecond() <= best)) {
                best = m.mparamPerSecond();
            }
        }
        return best;
    }

    public List<Row> rows() {
        return rows;
    }

    /** The row of {@code implementation} for {@code rule} at {@code size}, if it was measured. */
    public Optional<Row> find(String rule, String size, String implementation) {
        return rows.stream().filter(r -> r.measurement().rule().equals(rule)
                && r.measurement().size().equals(size)
                && r.measurement().implementation().equals(implementation)).findFirst();
    }

    /** Our fastest backend for {@code rule} at {@code size}, if any ran. */
    public Optional<Row> fastest(String rule, String size) {
        return rows.stream().filter(r -> r.measurement().rule().equals(rule) && r.measurement().size().equals(size)
                        && BACKENDS.contains(r.measurement().implementation()))
                .max(Comparator.comparingDouble(r -> r.measurement().mparamPerSecond()));
    }

    /**
     * For each rule, the fastest of {@code candidates} per size range, in {@link org.optim4j.backend.BackendProfile}'s
     * form (smallest size an entry covers → backend). Only single-tensor sizes count; where the winner
     * changes between two measured sizes, the range boundary is their geometric mean.
     *
     * @param candidates backend names the choice may return (e.g. those over heap {@code float[]};
     *                   {@code simd1} is a measurement variant, not a backend name)
     */
    public Map<String, TreeMap<Integer, String>> recommendations(List<String> candidates) {
        List<String> selectable = List.copyOf(candidates);
        Map<String, TreeMap<Integer, String>> out = new LinkedHashMap<>();
        for (String rule : BenchRules.IDS) {
            TreeMap<Integer, String> winners = new TreeMap<>();
            for (Row r : rows) {
                Measurement m = r.measurement();
                if (!m.rule().equals(rule) || Workload.of(m.size()).tensors() != 1
                        || !selectable.contains(m.implementation())) {
                    continue;
                }
                Row best = rows.stream().filter(o -> o.measurement().rule().equals(rule)
                                && o.measurement().size().equals(m.size())
                                && selectable.contains(o.measurement().implementation()))
                        .max(Comparator.comparingDouble(o -> o.measurement().mparamPerSecond())).orElseThrow();
                winners.put(m.parameters(), best.measurement().implementation());
            }
            TreeMap<Integer, String> ranges = new TreeMap<>();
            Integer previousSize = null;
            String previous = null;
            for (Map.Entry<Integer, String> e : winners.entrySet()) {
                if (previous == null) {
                    ranges.put(0, e.getValue());
                } else if (!previous.equals(e.getValue())) {
                    ranges.put((int) Math.round(Math.sqrt((double) previousSize * e.getKey())), e.getValue());
                }
                previousSize = e.getKey();
                previous = e.getValue();
            }
            if (!ranges.isEmpty()) {
                out.put(rule, ranges);
            }
        }
        return out;
    }

    /** The table for people. */
    public String table() {
        StringBuilder b = new StringBuilder();
        String header = String.format(Locale.ROOT, "%-9s %-9s %-12s %10s %8s %10s %9s %8s %9s %7s%n", "rule", "size",
                "impl", "Mparam/s", "GB/s", "%roofline", "x scalar", "x DL4J", "B/step", "±err");
        b.append(header);
        String lastGroup = null;
        for (Row r : rows) {
            Measurement m = r.measurement();
            String group = m.rule() + "/" + m.size();
            if (lastGroup != null && !lastGroup.equals(group)) {
                b.append('\n');
            }
            lastGroup = group;
            b.append(String.format(Locale.ROOT, "%-9s %-9s %-12s %10.1f %8.1f %10s %9s %8s %9s %7s%n", m.rule(),
                    Workload.label(m.size()), m.implementation(), m.mparamPerSecond(), r.gbPerSecond(),
                    percent(r.rooflineFraction()), ratio(r.speedupOverScalar()), ratio(r.speedupOverDl4j()),
                    Double.isNaN(m.bytesPerStep()) ? "-" : String.format(Locale.ROOT, "%.0f", m.bytesPerStep()),
                    percent(m.errorFraction())));
        }
        return b.toString();
    }

    /**
     * A compact Markdown table for a README: one line per rule and size with every implementation's
     * Mparam/s, the roofline, and the fastest backend's share of the roofline and speed-up over DL4J.
     */
    public String markdown() {
        List<String> implementations = ORDER.stream()
                .filter(i -> !i.startsWith(ROOFLINE) && rows.stream().anyMatch(r -> r.measurement().implementation().equals(i)))
                .toList();
        StringBuilder b = new StringBuilder("| rule | size |");
        implementations.forEach(i -> b.append(' ').append(i).append(" |"));
        b.append(" roofline GB/s | fastest | % roofline | × DL4J |\n|---|---|");
        implementations.forEach(i -> b.append("---:|"));
        b.append("---:|---|---:|---:|\n");
        List<String> seen = new ArrayList<>();
        for (Row row : rows) {
            Measurement m = row.measurement();
            String key = m.rule() + "/" + m.size();
            if (seen.contains(key)) {
                continue;
            }
            seen.add(key);
            b.append("| ").append(m.rule()).append(" | ").append(Workload.label(m.size())).append(" |");
            for (String i : implementations) {
                b.append(' ').append(find(m.rule(), m.size(), i)
                        .map(r -> String.format(Locale.ROOT, "%.0f", r.measurement().mparamPerSecond())).orElse("–"))
                        .append(" |");
            }
            double roofline = rows.stream().filter(r -> r.measurement().rule().equals(m.rule())
                            && r.measurement().size().equals(m.size())
                            && r.measurement().implementation().startsWith(ROOFLINE))
                    .mapToDouble(Row::gbPerSecond).max().orElse(Double.NaN);
            b.append(Double.isNaN(roofline) ? " – |" : String.format(Locale.ROOT, " %.1f |", roofline));
            Optional<Row> fastest = fastest(m.rule(), m.size());
            b.append(' ').append(fastest.map(r -> r.measurement().implementation()).orElse("–")).append(" |")
                    .append(' ').append(fastest.map(r -> percent(r.rooflineFraction())).orElse("–")).append(" |")
                    .append(' ').append(fastest.map(r -> ratio(r.speedupOverDl4j())).orElse("–")).append(" |\n");
        }
        return b.toString();
    }

    /** The recommendations as text: one line per rule. */
    public static String recommendationText(Map<String, TreeMap<Integer, String>> recommendations) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, TreeMap<Integer, String>> e : recommendations.entrySet()) {
            b.append(String.format(Locale.ROOT, "%-9s", e.getKey()));
            List<Map.Entry<Integer, String>> ranges = new ArrayList<>(e.getValue().entrySet());
            for (int i = 0; i < ranges.size(); i++) {
                Integer from = ranges.get(i).getKey();
                Integer to = i + 1 < ranges.size() ? ranges.get(i + 1).getKey() : null;
                String range = to == null ? (from == 0 ? "any n" : "n ≥ " + from)
                        : (from == 0 ? "n < " + to : from + " ≤ n < " + to);
                b.append(i == 0 ? " " : "; ").append(range).append(" → ").append(ranges.get(i).getValue());
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** The rows as CSV with a header line. */
    public String csv() {
        StringBuilder b = new StringBuilder("rule,size,parameters,implementation,threads,mparam_per_s,gb_per_s,"
                + "roofline_fraction,speedup_over_scalar,speedup_over_dl4j,bytes_per_step,error_fraction\n");
        for (Row r : rows) {
            Measurement m = r.measurement();
            b.append(String.join(",", m.rule(), m.size(), Integer.toString(m.parameters()), m.implementation(),
                    Integer.toString(m.threads()), number(m.mparamPerSecond()), number(r.gbPerSecond()),
                    number(r.rooflineFraction()), number(r.speedupOverScalar()), number(r.speedupOverDl4j()),
                    number(m.bytesPerStep()), number(m.errorFraction()))).append('\n');
        }
        return b.toString();
    }

    /** The rows and {@code recommendations} as JSON (NaN, where a column does not apply, as null). */
    public JsonObject json(Map<String, TreeMap<Integer, String>> recommendations) {
        JsonObject o = new JsonObject();
        JsonArray results = new JsonArray();
        for (Row r : rows) {
            Measurement m = r.measurement();
            JsonObject row = new JsonObject();
            row.addProperty("rule", m.rule());
            row.addProperty("size", m.size());
            row.addProperty("parameters", m.parameters());
            row.addProperty("implementation", m.implementation());
            row.addProperty("threads", m.threads());
            add(row, "mparamPerSecond", m.mparamPerSecond());
            add(row, "gbPerSecond", r.gbPerSecond());
            add(row, "rooflineFraction", r.rooflineFraction());
            add(row, "speedupOverScalar", r.speedupOverScalar());
            add(row, "speedupOverDl4j", r.speedupOverDl4j());
            add(row, "bytesPerStep", m.bytesPerStep());
            add(row, "errorFraction", m.errorFraction());
            results.add(row);
        }
        o.add("results", results);
        JsonObject rec = new JsonObject();
        recommendations.forEach((rule, ranges) -> {
            JsonArray a = new JsonArray();
            ranges.forEach((from, backend) -> {
                JsonObject e = new JsonObject();
                e.addProperty("fromParameters", from);
                e.addProperty("backend", backend);
                a.add(e);
            });
            rec.add(rule, a);
        });
        o.add("recommendations", rec);
        return o;
    }

    private static void add(JsonObject o, String name, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            o.add(name, com.google.gson.JsonNull.INSTANCE);
        } else {
            o.addProperty(name, value);
        }
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }

    private static String percent(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * v);
    }

    private static String ratio(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static int ruleOrder(String rule) {
        int i = BenchRules.IDS.indexOf(rule);
        return i < 0 ? Integer.MAX_VALUE : i;
    }

    private static int implementationOrder(String implementation) {
        int i = ORDER.indexOf(implementation);
        return i < 0 ? Integer.MAX_VALUE : i;
    }

    /** Single tensors by size first, then the many-tensor layouts by name. */
    private static int compareSizes(String a, String b) {
        Workload x = Workload.of(a);
        Workload y = Workload.of(b);
        boolean xs = x.tensors() == 1;
        boolean ys = y.tensors() == 1;
        if (xs != ys) {
            return xs ? -1 : 1;
        }
        return xs ? Integer.compare(x.parameters(), y.parameters()) : a.compareTo(b);
    }
}
