package org.optim4j.schedule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.optim4j.internal.Check;

/**
 * The registry of schedule kinds: how a schedule is stored in a checkpoint (kind and named parameters) and
 * parsed on the command line ({@code kind:p1,p2,…}). Built in: {@code constant} and {@code linear}; more
 * kinds are added with {@link #register(String, List, Function)}.
 */
public final class Schedules {
    /** A registered kind: its parameter names, in order, and how to build it from values by name. */
    public record Kind(String name, List<String> parameterNames, Function<Map<String, Number>, Schedule> factory) {
    }

    private static final Map<String, Kind> KINDS = new LinkedHashMap<>();

    static {
        register("constant", List.of("alpha"), p -> new ConstantRate(dbl(p, "alpha")));
        register("fixed", List.of("value"), p -> new Fixed(dbl(p, "value")));
        register("linear", List.of("alpha0", "alphaTau", "tau"),
                p -> new LinearDecay(dbl(p, "alpha0"), dbl(p, "alphaTau"), lng(p, "tau")));
    }

    private Schedules() {
    }

    /** Registers a kind (its name must be new). The factory validates and may throw IllegalArgumentException. */
    public static synchronized void register(String name, List<String> parameterNames,
                                             Function<Map<String, Number>, Schedule> factory) {
        Check.notNull("name", name);
        if (KINDS.containsKey(name)) {
            throw new IllegalArgumentException("schedule kind '" + name + "' is registered already");
        }
        KINDS.put(name, new Kind(name, List.copyOf(parameterNames), Check.notNull("factory", factory)));
    }

    /** Every registered kind, in registration order. */
    public static synchronized List<Kind> kinds() {
        return List.copyOf(KINDS.values());
    }

    /**
     * The schedule of {@code kind} with these parameters.
     *
     * @throws IllegalArgumentException if the kind is unknown, the parameter names differ, or a value is out of range
     */
    public static synchronized Schedule create(String kind, Map<String, Number> parameters) {
        Kind k = KINDS.get(kind);
        if (k == null) {
            throw new IllegalArgumentException("unknown schedule kind '" + kind + "'; known: " + KINDS.keySet());
        }
        if (!List.copyOf(parameters.keySet()).equals(k.parameterNames())) {
            throw new IllegalArgumentException("schedule '" + kind + "' needs parameters " + k.parameterNames()
                    + " but got " + parameters.keySet());
        }
        return k.factory().apply(parameters);
    }

    /**
     * The schedule as a checkpoint stores it.
     *
     * @throws IllegalArgumentException naming the schedule when it cannot be stored (not {@link Schedule.Encodable},
     *                                  or of an unregistered kind)
     */
    public static Schedule.Encodable encodable(Schedule schedule) {
        if (schedule instanceof Schedule.Encodable e) {
            synchronized (Schedules.class) {
                if (KINDS.containsKey(e.kind())) {
                    return e;
                }
            }
        }
        throw new IllegalArgumentException("schedule " + schedule + " (" + schedule.getClass().getName()
                + ") cannot be written to a checkpoint: implement Schedule.Encodable and register its kind in "
                + "Schedules (registered: " + kindNames() + ")");
    }

    private static synchronized List<String> kindNames() {
        return new ArrayList<>(KINDS.keySet());
    }

    /** Parses {@code 0.01} (constant) or {@code kind:p1,p2,…}; see {@link Schedule#parse(String)}. */
    public static Schedule parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("schedule must not be empty, got '" + text + "'");
        }
        String t = text.trim();
        int colon = t.indexOf(':');
        if (colon < 0) {
            return new ConstantRate(number(text, t));
        }
        String kindName = t.substring(0, colon).trim();
        Kind k;
        synchronized (Schedules.class) {
            k = KINDS.get(kindName);
        }
        if (k == null) {
            throw new IllegalArgumentException("schedule '" + text + "' has unknown kind '" + kindName + "'; known: "
                    + kindNames() + " (or a plain number)");
        }
        String[] parts = t.substring(colon + 1).split(",");
        if (parts.length != k.parameterNames().size()) {
            throw new IllegalArgumentException("schedule '" + kindName + ":" + String.join(",", k.parameterNames())
                    + "' needs " + k.parameterNames().size() + " values, got '" + text + "'");
        }
        Map<String, Number> values = new LinkedHashMap<>();
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].trim();
            boolean integral = k.parameterNames().get(i).equals("tau") || k.parameterNames().get(i).endsWith("Steps");
            values.put(k.parameterNames().get(i), integral ? (Number) integer(text, p) : (Number) number(text, p));
        }
        return k.factory().apply(values);
    }

    private static double number(String text, String p) {
        try {
            return Double.parseDouble(p);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("schedule must be a number or 'kind:values' (e.g. 'linear:α0,ατ,τ'), got '"
                    + text + "'", e);
        }
    }

    private static long integer(String text, String p) {
        try {
            return Long.parseLong(p);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("schedule '" + text + "': '" + p + "' must be a whole number of steps", e);
        }
    }

    private static double dbl(Map<String, Number> p, String name) {
        Number n = p.get(name);
        if (!(n instanceof Double)) {
            throw new IllegalArgumentException("schedule parameter '" + name + "' must be a float64, got " + n);
        }
        return (Double) n;
    }

    private static long lng(Map<String, Number> p, String name) {
        Number n = p.get(name);
        if (!(n instanceof Long)) {
            throw new IllegalArgumentException("schedule parameter '" + name + "' must be an int64, got " + n);
        }
        return (Long) n;
    }
}
