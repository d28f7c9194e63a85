package org.optim4j.schedule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.optim4j.internal.Check;

/**
 * The registry of schedule kinds: how a schedule is stored in a checkpoint (kind and named parameters) and
 * parsed on the command line ({@code kind:p1,p2,…}). Built in: {@code constant}, {@code fixed}, {@code linear},
 * {@code step}, {@code multistep}, {@code exponential}, {@code polynomial}, {@code cosine}, {@code cosine_restarts},
 * {@code warmup}, {@code onecycle}, {@code onecycle_momentum}, {@code plateau} and {@code join} (text form
 * {@code s0+s1@b1+…}); docs/schedules.md lists them with their PyTorch equivalents. More kinds are added with
 * {@link #register(String, List, Function)} or, for a parameter list that varies,
 * {@link #registerVariadic(String, Function, Function)}.
 */
public final class Schedules {
    /** A registered kind: its parameter names, in order, and how to build it from values by name. */
    public record Kind(String name, List<String> parameterNames, Function<Map<String, Number>, Schedule> factory) {
    }

    /** Trailing parameters that the text form may leave out, with their defaults, by kind. */
    private static final Map<String, Map<String, Number>> DEFAULTS = new LinkedHashMap<>();
    /** Kinds with a variable parameter list: their factory checks the names, their text is parsed by a parser. */
    private static final Map<String, Function<String, Schedule>> PARSERS = new LinkedHashMap<>();

    private static final Map<String, Kind> KINDS = new LinkedHashMap<>();

    static {
        register("constant", List.of("alpha"), p -> new ConstantRate(dbl(p, "alpha")));
        register("fixed", List.of("value"), p -> new Fixed(dbl(p, "value")));
        register("linear", List.of("alpha0", "alphaTau", "tau"),
                p -> new LinearDecay(dbl(p, "alpha0"), dbl(p, "alphaTau"), lng(p, "tau")));
        register("step", List.of("alpha0", "gamma", "stepSize"),
                p -> new StepDecay(dbl(p, "alpha0"), dbl(p, "gamma"), lng(p, "stepSize")));
        registerVariadic("multistep", Schedules::multiStep, Schedules::parseMultiStep);
        register("exponential", List.of("alpha0", "gamma"),
                p -> new ExponentialDecay(dbl(p, "alpha0"), dbl(p, "gamma")));
        register("polynomial", List.of("alpha0", "alphaEnd", "totalSteps", "power"),
                p -> new PolynomialDecay(dbl(p, "alpha0"), dbl(p, "alphaEnd"), lng(p, "totalSteps"), dbl(p, "power")));
        register("cosine", List.of("alphaMax", "alphaMin", "period"),
                p -> new CosineAnnealing(dbl(p, "alphaMax"), dbl(p, "alphaMin"), lng(p, "period")));
        register("cosine_restarts", List.of("alphaMax", "alphaMin", "t0", "tMult"),
                p -> new CosineWarmRestarts(dbl(p, "alphaMax"), dbl(p, "alphaMin"), lng(p, "t0"), lng(p, "tMult")));
        register("warmup", List.of("alphaStart", "alphaPeak", "warmupSteps"),
                p -> new LinearWarmup(dbl(p, "alphaStart"), dbl(p, "alphaPeak"), lng(p, "warmupSteps")));
        register("onecycle", List.of("maxLr", "totalSteps", "pctStart", "divFactor", "finalDivFactor", "threePhase",
                "linear"), p -> OneCycle.rate(dbl(p, "maxLr"), lng(p, "totalSteps"), dbl(p, "pctStart"),
                dbl(p, "divFactor"), dbl(p, "finalDivFactor"), flag(p, "threePhase"), flag(p, "linear")));
        defaults("onecycle", "pctStart", 0.3, "divFactor", 25.0, "finalDivFactor", 1e4, "threePhase", 0L, "linear", 0L);
        register("onecycle_momentum", List.of("baseMomentum", "maxMomentum", "totalSteps", "pctStart", "threePhase",
                "linear"), p -> OneCycle.momentum(dbl(p, "baseMomentum"), dbl(p, "maxMomentum"), lng(p, "totalSteps"),
                dbl(p, "pctStart"), flag(p, "threePhase"), flag(p, "linear")));
        defaults("onecycle_momentum", "pctStart", 0.3, "threePhase", 0L, "linear", 0L);
        register("plateau", List.of("initialLr", "factor", "patience", "threshold", "cooldown", "minLr", "mode",
                "thresholdMode", "eps", "lr", "best", "badCount", "cooldownCounter", "observations"),
                p -> new ReduceOnPlateau(dbl(p, "initialLr"), dbl(p, "factor"), lng(p, "patience"), dbl(p, "threshold"),
                        lng(p, "cooldown"), dbl(p, "minLr"), flag(p, "mode"), flag(p, "thresholdMode"), dbl(p, "eps"))
                        .withState(dbl(p, "lr"), dbl(p, "best"), lng(p, "badCount"), lng(p, "cooldownCounter"),
                                lng(p, "observations")));
        defaults("plateau", "factor", 0.1, "patience", 10L, "threshold", 1e-4, "cooldown", 0L, "minLr", 0.0, "mode", 0L,
                "thresholdMode", 0L, "eps", 1e-8, "lr", Double.NaN, "best", Double.NaN, "badCount", 0L,
                "cooldownCounter", 0L, "observations", 0L);
        registerVariadic("join", Join::decode, body -> parseJoin("join:" + body, body));
    }

    private static void defaults(String kind, Object... namesAndValues) {
        Map<String, Number> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put((String) namesAndValues[i], (Number) namesAndValues[i + 1]);
        }
        DEFAULTS.put(kind, m);
    }

    /**
     * Registers a kind whose parameter list varies (milestones, the parts of a join): the factory receives the
     * stored parameters as they are and checks them; the parser receives the text after {@code kind:}.
     */
    public static synchronized void registerVariadic(String name, Function<Map<String, Number>, Schedule> factory,
                                                     Function<String, Schedule> parser) {
        register(name, List.of(), factory);
        PARSERS.put(name, Check.notNull("parser", parser));
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
        if (!PARSERS.containsKey(kind) && !List.copyOf(parameters.keySet()).equals(k.parameterNames())) {
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
                if (!KINDS.containsKey(e.kind())) {
                    e = null;
                }
            }
            if (e != null) {
                e.parameters(); // a composite names a part that cannot be stored
                return e;
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
        if (JOIN.matcher(t).find() && !t.startsWith("join:")) {
            return parseJoin(text, t);
        }
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
        Function<String, Schedule> parser;
        Map<String, Number> defaults;
        synchronized (Schedules.class) {
            parser = PARSERS.get(kindName);
            defaults = DEFAULTS.getOrDefault(kindName, Map.of());
        }
        if (parser != null) {
            return parser.apply(t.substring(colon + 1));
        }
        String[] parts = t.substring(colon + 1).split(",");
        int required = k.parameterNames().size() - defaults.size();
        if (parts.length < required || parts.length > k.parameterNames().size()) {
            throw new IllegalArgumentException("schedule '" + kindName + ":" + String.join(",", k.parameterNames())
                    + "' needs " + (required == k.parameterNames().size() ? "" : required + " to ")
                    + k.parameterNames().size() + " values" + (defaults.isEmpty() ? "" : " (defaults " + defaults + ")")
                    + ", got '" + text + "'");
        }
        Map<String, Number> values = new LinkedHashMap<>();
        for (int i = 0; i < k.parameterNames().size(); i++) {
            String name = k.parameterNames().get(i);
            if (i >= parts.length) {
                values.put(name, defaults.get(name));
                continue;
            }
            String p = parts[i].trim();
            values.put(name, integral(name) ? (Number) integer(text, p) : (Number) number(text, p));
        }
        return k.factory().apply(values);
    }

    /** Whether a parameter of this name is a whole number (a step count or a flag) in the text and in checkpoints. */
    private static boolean integral(String name) {
        return name.equals("tau") || name.endsWith("Steps") || name.equals("stepSize") || name.equals("period")
                || name.equals("t0") || name.equals("tMult") || name.equals("threePhase") || name.equals("linear")
                || name.equals("patience") || name.equals("cooldown") || name.equals("mode")
                || name.equals("thresholdMode") || name.equals("badCount") || name.equals("cooldownCounter")
                || name.equals("observations");
    }

    /** A '+' after a digit or a letter other than e: the start of the next part of a join (not a sign: 1e+4, :+0.1). */
    private static final java.util.regex.Pattern JOIN = java.util.regex.Pattern.compile("(?<=[0-9.A-DF-Za-df-z])\\+");

    private static Schedule parseJoin(String text, String body) {
        String[] parts = JOIN.split(body, -1);
        if (parts.length < 2) {
            throw new IllegalArgumentException("join '" + text + "' needs at least two parts: s0+s1@b1[+s2@b2…]");
        }
        List<Schedule> schedules = new ArrayList<>();
        long[] bounds = new long[parts.length - 1];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].trim();
            int at = p.lastIndexOf('@');
            if (i == 0 ? at >= 0 : at < 0) {
                throw new IllegalArgumentException("join '" + text + "': part " + i + " '" + p + "' must "
                        + (i == 0 ? "start at step 0 (no @)" : "say where it starts: schedule@step"));
            }
            if (i > 0) {
                bounds[i - 1] = integer(text, p.substring(at + 1).trim());
                p = p.substring(0, at);
            }
            schedules.add(parse(p));
        }
        return new Join(schedules, bounds);
    }

    private static Schedule multiStep(Map<String, Number> p) {
        List<Long> m = new ArrayList<>();
        for (Map.Entry<String, Number> e : p.entrySet()) {
            if (e.getKey().equals("alpha0") || e.getKey().equals("gamma")) {
                continue;
            }
            if (!e.getKey().equals("milestone." + m.size())) {
                throw new IllegalArgumentException("multistep parameter '" + e.getKey() + "' is not milestone." + m.size());
            }
            m.add(lng(p, e.getKey()));
        }
        return new MultiStepDecay(dbl(p, "alpha0"), dbl(p, "gamma"), m.stream().mapToLong(Long::longValue).toArray());
    }

    private static Schedule parseMultiStep(String body) {
        String text = "multistep:" + body;
        String[] parts = body.split(",");
        if (parts.length < 3) {
            throw new IllegalArgumentException("schedule 'multistep:alpha0,gamma,m1[,m2…]' needs at least 3 values, got '"
                    + text + "'");
        }
        long[] m = new long[parts.length - 2];
        for (int i = 0; i < m.length; i++) {
            m[i] = integer(text, parts[i + 2].trim());
        }
        return new MultiStepDecay(number(text, parts[0].trim()), number(text, parts[1].trim()), m);
    }

    /** The text form {@code kind:v1,v2,…} of a schedule whose parameters are positional. */
    static String text(Schedule.Encodable s) {
        StringBuilder b = new StringBuilder(s.kind()).append(':');
        String sep = "";
        for (Number n : s.parameters().values()) {
            b.append(sep).append(n);
            sep = ",";
        }
        return b.toString();
    }

    private static boolean flag(Map<String, Number> p, String name) {
        long v = lng(p, name);
        if (v != 0 && v != 1) {
            throw new IllegalArgumentException("schedule parameter '" + name + "' must be 0 or 1, got " + v);
        }
        return v == 1;
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
