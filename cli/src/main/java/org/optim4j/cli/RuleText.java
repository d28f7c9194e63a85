package org.optim4j.cli;

import org.optim4j.rule.AdaGrad;
import org.optim4j.rule.Adam;
import org.optim4j.rule.Momentum;
import org.optim4j.rule.Nesterov;
import org.optim4j.rule.RmsProp;
import org.optim4j.rule.UpdateRule;

/** How the command line names a rule with its hyper-parameters, on the console and in plot legends alike. */
final class RuleText {
    private static final double DEFAULT_EPSILON = 1e-8;

    private RuleText() {
    }

    /**
     * E.g. {@code sgd α=0.2}, {@code momentum α=0.05 ρ=0.9}, {@code nesterov α=0.05 ρ=0.9 (spec form)},
     * {@code rmsprop α=0.002 ρ2=0.9}, {@code adam α=0.001 ρ1=0.9 ρ2=0.999}, {@code sgd α=linear:0.2,0.01,1000};
     * ε only when it is not 1e-8.
     *
     * @param nesterovForm the Nesterov form trained ({@code spec} or {@code reparametrised}), or null
     */
    static String describe(UpdateRule rule, String nesterovForm) {
        StringBuilder s = new StringBuilder(rule.id()).append(" α=").append(Fmt.params(rule.learningRate().toString()));
        double epsilon = DEFAULT_EPSILON;
        if (rule instanceof Momentum m) {
            s.append(" ρ=").append(Fmt.param(m.rho()));
        } else if (rule instanceof Nesterov n) {
            s.append(" ρ=").append(Fmt.param(n.rho()));
        } else if (rule instanceof AdaGrad a) {
            epsilon = a.epsilon();
        } else if (rule instanceof RmsProp r) {
            s.append(" ρ2=").append(Fmt.param(r.rho2()));
            epsilon = r.epsilon();
        } else if (rule instanceof Adam a) {
            s.append(" ρ1=").append(Fmt.param(a.rho1())).append(" ρ2=").append(Fmt.param(a.rho2()));
            epsilon = a.epsilon();
        }
        if (epsilon != DEFAULT_EPSILON) {
            s.append(" ε=").append(Fmt.param(epsilon));
        }
        if (rule instanceof Nesterov && nesterovForm != null) {
            s.append(" (").append(nesterovForm).append(" form)");
        }
        return s.toString();
    }
}
