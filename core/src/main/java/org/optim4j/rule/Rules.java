package org.optim4j.rule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optim4j.internal.Check;
import org.optim4j.schedule.Schedule;
import org.optim4j.schedule.Schedules;
import org.optim4j.transform.Param;
import org.optim4j.transform.Params;

/**
 * The one registry of rules: every built-in rule's {@link RuleType}, in the spec's order, and any the user
 * registers. Checkpoints decode rules through it, the command line builds them from it
 * ({@code --rule NAME --hp key=value,…}), and the benchmarks and parity tests iterate over it.
 */
public final class Rules {
    private static final Map<String, RuleType> TYPES = new LinkedHashMap<>();

    static {
        register(Sgd.TYPE);
        register(Momentum.TYPE);
        register(Nesterov.TYPE);
        register(AdaGrad.TYPE);
        register(RmsProp.TYPE);
        register(Adam.TYPE);
        register(AdamW.TYPE);
        register(AmsGrad.TYPE);
        register(AdamWAmsGrad.TYPE);
        register(NAdam.TYPE);
        register(RAdam.TYPE);
        register(AdaMax.TYPE);
        register(AdaDelta.TYPE);
        register(RmsPropCentered.TYPE);
        register(SgdTorch.TYPE);
        register(SgdTorch.NESTEROV_TYPE);
        register(Lion.TYPE);
    }

    private Rules() {
    }

    /**
     * Adds a rule type (for a rule of the user's: then checkpoints can store it and the CLI can build it).
     *
     * @throws IllegalArgumentException if the id is taken, or two parameters answer to one name
     */
    public static synchronized void register(RuleType type) {
        Check.notNull("type", type);
        if (TYPES.containsKey(type.id())) {
            throw new IllegalArgumentException("rule '" + type.id() + "' is registered already");
        }
        List<String> seen = new ArrayList<>();
        for (Param p : type.params()) {
            List<String> names = new ArrayList<>(p.aliases());
            names.add(p.name());
            for (String n : names) {
                if (seen.contains(n)) {
                    throw new IllegalArgumentException("rule '" + type.id() + "': two parameters answer to '" + n + "'");
                }
                seen.add(n);
            }
        }
        TYPES.put(type.id(), type);
    }

    /** Every registered rule type, built-ins first in the spec's order. */
    public static synchronized List<RuleType> types() {
        return List.copyOf(TYPES.values());
    }

    /** Every registered id. */
    public static synchronized List<String> ids() {
        return List.copyOf(TYPES.keySet());
    }

    /**
     * The type registered under {@code id}.
     *
     * @throws IllegalArgumentException naming the id and listing the known ones
     */
    public static synchronized RuleType type(String id) {
        RuleType t = TYPES.get(id);
        if (t == null) {
            throw new IllegalArgumentException("unknown rule '" + id + "'; known: " + String.join(", ", TYPES.keySet()));
        }
        return t;
    }

    /** {@link RuleBuilder} of the rule {@code id}: its defaults, any hyper-parameter set by name or alias. */
    public static RuleBuilder builder(String id) {
        return new RuleBuilder(type(id));
    }

    /**
     * The rule {@code id} with the given values (by name or alias; the type's defaults for the rest).
     *
     * @throws IllegalArgumentException for an unknown rule or parameter, a parameter given twice (as name and
     *                                  alias), a missing value without default, or a value out of range
     */
    public static UpdateRule create(String id, Map<String, Schedule> given) {
        RuleType type = type(id);
        Map<Param, Schedule> values = new LinkedHashMap<>();
        for (Map.Entry<String, Schedule> e : given.entrySet()) {
            Param p = param(type, e.getKey());
            if (values.put(p, Params.scheduled(p, e.getValue())) != null) {
                throw new IllegalArgumentException("rule '" + id + "': " + p.name() + " is given twice");
            }
        }
        for (Param p : type.params()) {
            if (!values.containsKey(p)) {
                if (Double.isNaN(p.defaultValue())) {
                    throw new IllegalArgumentException("rule '" + id + "' needs " + p.name() + " (no default)");
                }
                values.put(p, constant(p, p.defaultValue()));
            }
        }
        return type.factory().apply(new RuleType.Values(values));
    }

    /**
     * Parses {@code key=value,key=value} ({@code --hp}) into values for {@link #create}: a value is a number
     * or a schedule ({@code linear:α0,ατ,τ}; a schedule's own commas are kept when the next part has no '=').
     *
     * @throws IllegalArgumentException naming the rule, the key and the value when one cannot be parsed
     */
    public static Map<String, Schedule> parse(String id, String text) {
        RuleType type = type(id);
        Map<String, Schedule> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        List<String> pairs = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.contains("=") && !pairs.isEmpty()) {
                pairs.set(pairs.size() - 1, pairs.get(pairs.size() - 1) + "," + part);
            } else {
                pairs.add(part);
            }
        }
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("hyper-parameter '" + pair.trim() + "' must be key=value");
            }
            String key = pair.substring(0, eq).trim();
            Param p = param(type, key);
            String text2 = pair.substring(eq + 1).trim();
            Schedule value;
            try {
                value = value(p, text2);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("rule '" + id + "' hyper-parameter " + key + "=" + text2 + ": "
                        + e.getMessage(), e);
            }
            for (String given : out.keySet()) {
                if (p.answersTo(given)) {
                    throw new IllegalArgumentException("rule '" + id + "': " + p.name() + " is given twice ('" + given
                            + "' and '" + key + "')");
                }
            }
            out.put(key, value);
        }
        return out;
    }

    /** A value for {@code p}: a plain number is a constant ({@code fixed}, or a constant rate for α), else a schedule. */
    public static Schedule value(Param p, String text) {
        try {
            return constant(p, Double.parseDouble(text));
        } catch (NumberFormatException e) {
            return Schedules.parse(text);
        }
    }

    static Schedule constant(Param p, double v) {
        return p.name().equals(Params.LEARNING_RATE.name()) ? Schedule.constant(p.check(v)) : Params.fixed(p, v);
    }

    static Param param(RuleType type, String key) {
        for (Param p : type.params()) {
            if (p.answersTo(key)) {
                return p;
            }
        }
        List<String> names = new ArrayList<>();
        for (Param p : type.params()) {
            names.add(p.name());
        }
        throw new IllegalArgumentException("rule '" + type.id() + "' has no hyper-parameter '" + key + "'; it has "
                + names);
    }
}
