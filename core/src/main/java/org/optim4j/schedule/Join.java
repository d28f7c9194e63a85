package org.optim4j.schedule;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optim4j.internal.Check;

/**
 * Schedules one after another (Optax's {@code join_schedules}, PyTorch's {@code SequentialLR}): schedule i runs from
 * boundary b_i (b_0 = 0) to b_{i+1}, and sees the step counted from its own start: α_t = s_i(t − b_i).
 *
 * <p>Text form: {@code s_0+s_1@b_1+s_2@b_2…}, e.g. {@code warmup:0.001,0.1,500+cosine:0.1,0.001,9500@500}. In a
 * checkpoint its parameters are {@code boundary.i} and each part's parameters as {@code i:kind:name}.
 *
 * @param schedules  the parts (at least two)
 * @param boundaries b_1 &lt; b_2 &lt; …, one fewer than the parts, each &gt; 0
 */
public record Join(List<Schedule> schedules, long[] boundaries) implements Schedule.Encodable {

    public Join {
        schedules = List.copyOf(Check.notNull("schedules", schedules));
        boundaries = Check.notNull("boundaries", boundaries).clone();
        if (schedules.size() < 2 || boundaries.length != schedules.size() - 1) {
            throw new IllegalArgumentException("a join needs at least two schedules and one boundary fewer, got "
                    + schedules.size() + " schedules and boundaries " + Arrays.toString(boundaries));
        }
        for (int i = 0; i < boundaries.length; i++) {
            if (boundaries[i] <= 0 || (i > 0 && boundaries[i] <= boundaries[i - 1])) {
                throw new IllegalArgumentException("join boundaries must be > 0 and strictly increasing, got "
                        + Arrays.toString(boundaries));
            }
        }
    }

    /** {@code first} until step {@code boundary}, then {@code second} counted from there. */
    public static Join of(Schedule first, long boundary, Schedule second) {
        return new Join(List.of(first, second), new long[] {boundary});
    }

    @Override
    public long[] boundaries() {
        return boundaries.clone();
    }

    @Override
    public double value(long step) {
        Check.step(step);
        int i = boundaries.length;
        while (i > 0 && boundaries[i - 1] > step) {
            i--;
        }
        return schedules.get(i).value(i == 0 ? step : step - boundaries[i - 1]);
    }

    @Override
    public String kind() {
        return "join";
    }

    /**
     * {@code boundary.1 …} then every part's parameters as {@code i:kind:name}.
     *
     * @throws IllegalArgumentException naming a part that cannot be stored
     */
    @Override
    public Map<String, Number> parameters() {
        Map<String, Number> m = new LinkedHashMap<>();
        for (int i = 0; i < boundaries.length; i++) {
            m.put("boundary." + (i + 1), boundaries[i]);
        }
        for (int i = 0; i < schedules.size(); i++) {
            Schedule.Encodable e = Schedules.encodable(schedules.get(i));
            for (Map.Entry<String, Number> p : e.parameters().entrySet()) {
                m.put(i + ":" + e.kind() + ":" + p.getKey(), p.getValue());
            }
        }
        return m;
    }

    /** The inverse of {@link #parameters()}. */
    static Join decode(Map<String, Number> p) {
        List<Long> bounds = new ArrayList<>();
        Map<Integer, String> kinds = new LinkedHashMap<>();
        Map<Integer, Map<String, Number>> parts = new LinkedHashMap<>();
        for (Map.Entry<String, Number> e : p.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("boundary.")) {
                if (!(e.getValue() instanceof Long b) || !k.equals("boundary." + (bounds.size() + 1))) {
                    throw new IllegalArgumentException("join parameter '" + k + "' is out of order or not an int64");
                }
                bounds.add(b);
                continue;
            }
            String[] w = k.split(":", 3);
            if (w.length != 3) {
                throw new IllegalArgumentException("join parameter '" + k + "' is not 'i:kind:name'");
            }
            int i;
            try {
                i = Integer.parseInt(w[0]);
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("join parameter '" + k + "' is not 'i:kind:name'", ex);
            }
            String previous = kinds.putIfAbsent(i, w[1]);
            if (previous != null && !previous.equals(w[1])) {
                throw new IllegalArgumentException("join part " + i + " has two kinds: " + previous + ", " + w[1]);
            }
            parts.computeIfAbsent(i, x -> new LinkedHashMap<>()).put(w[2], e.getValue());
        }
        List<Schedule> schedules = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            if (!parts.containsKey(i)) {
                throw new IllegalArgumentException("join part " + i + " is missing");
            }
            schedules.add(Schedules.create(kinds.get(i), parts.get(i)));
        }
        return new Join(schedules, bounds.stream().mapToLong(Long::longValue).toArray());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Join j && schedules.equals(j.schedules) && Arrays.equals(boundaries, j.boundaries);
    }

    @Override
    public int hashCode() {
        return schedules.hashCode() * 31 + Arrays.hashCode(boundaries);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(schedules.get(0).toString());
        for (int i = 1; i < schedules.size(); i++) {
            b.append('+').append(schedules.get(i)).append('@').append(boundaries[i - 1]);
        }
        return b.toString();
    }
}
