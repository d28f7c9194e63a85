package org.optim4j.cli;

import java.util.Map;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.Params;

/**
 * How the command line names a rule with its hyper-parameters, on the console and in plot legends alike. Driven by
 * the rule's declared hyper-parameters, so a newly registered rule is named without an edit here.
 */
final class RuleText {
    /** Short symbols of the spec's parameter names; any other parameter is shown by its name. */
    private static final Map<String, String> SYMBOLS = Map.of(Params.LEARNING_RATE.name(), "α", Params.RHO.name(), "ρ",
            Params.RHO1.name(), "ρ1", Params.RHO2.name(), "ρ2", Params.EPSILON.name(), "ε",
            Params.WEIGHT_DECAY.name(), "λ");

    private RuleText() {
    }

    /**
     * E.g. {@code sgd α=0.2}, {@code momentum α=0.05 ρ=0.9}, {@code nesterov α=0.05 ρ=0.9 (spec form)},
     * {@code rmsprop α=0.002 ρ2=0.9}, {@code adam α=0.001 ρ1=0.9 ρ2=0.999}, {@code sgd α=linear:0.2,0.01,1000};
     * α first, ε only when it is not its default 1e-8.
     *
     * @param nesterovForm the form trained for a rule with a look-ahead ({@code spec} or {@code reparametrised}), or null
     */
    static String describe(UpdateRule rule, String nesterovForm) {
        StringBuilder s = new StringBuilder(rule.id());
        Map<String, Schedule> hyper = rule.hyperParameters();
        Schedule alpha = hyper.get(Params.LEARNING_RATE.name());
        if (alpha != null) {
            s.append(" α=").append(Fmt.params(alpha.toString()));
        }
        for (Map.Entry<String, Schedule> e : hyper.entrySet()) {
            String name = e.getKey();
            if (name.equals(Params.LEARNING_RATE.name())
                    || (name.equals(Params.EPSILON.name()) && e.getValue().constantValue() == Params.EPSILON.defaultValue())) {
                continue;
            }
            s.append(' ').append(SYMBOLS.getOrDefault(name, name)).append('=').append(Fmt.params(e.getValue().toString()));
        }
        boolean lookahead = rule.transforms().stream().anyMatch(t -> t.lookahead().isPresent());
        if (lookahead && nesterovForm != null) {
            s.append(" (").append(nesterovForm).append(" form)");
        }
        return s.toString();
    }
}
