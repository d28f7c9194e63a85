package org.optim4j.rule;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.optim4j.internal.Check;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.Param;

/**
 * A rule as the registry knows it: its id, one line saying what it is and whose equations it follows, its
 * hyper-parameters (with this rule's defaults) and how to build it from values. Everything that lists rules
 * (checkpoints, the command line and its help, the benchmarks, the parity tests) reads {@link Rules}.
 *
 * @param id      the rule's id ({@link UpdateRule#id()} of what the factory builds)
 * @param summary one line: what the rule is and its reference ({@code "Adam (Kingma & Ba 2015); torch.optim.Adam"})
 * @param params  the hyper-parameters, in the order help texts list them
 * @param factory builds the rule from a value for every parameter (defaults filled in, ranges checked)
 */
public record RuleType(String id, String summary, List<Param> params, Function<Values, UpdateRule> factory) {

    public RuleType {
        Check.notNull("id", id);
        Check.notNull("summary", summary);
        params = List.copyOf(params);
        Check.notNull("factory", factory);
    }

    /** The rule with every hyper-parameter at this type's default (a parameter with no default must be given). */
    public UpdateRule defaults() {
        return Rules.create(id, Map.of());
    }

    /** One value per parameter of a rule type, as the factory receives them. */
    public static final class Values {
        private final Map<String, Schedule> values = new java.util.LinkedHashMap<>();

        Values(Map<Param, Schedule> values) {
            values.forEach((p, s) -> this.values.put(p.name(), s));
        }

        /** The value of {@code p} (a schedule; constants are constant schedules). */
        public Schedule get(Param p) {
            Schedule s = values.get(p.name());
            if (s == null) {
                throw new IllegalStateException("no value for " + p.name());
            }
            return s;
        }

        /** True when every parameter but those given is a constant (so a typed record can hold it). */
        public boolean constantExcept(Param... scheduled) {
            outer:
            for (Map.Entry<String, Schedule> e : values.entrySet()) {
                for (Param p : scheduled) {
                    if (p.name().equals(e.getKey())) {
                        continue outer;
                    }
                }
                if (Double.isNaN(e.getValue().constantValue())) {
                    return false;
                }
            }
            return true;
        }

        /** The constant value of {@code p}; only valid when {@link #constantExcept} said so. */
        public double constant(Param p) {
            return get(p).constantValue();
        }
    }
}
