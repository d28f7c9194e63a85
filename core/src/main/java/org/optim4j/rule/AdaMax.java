package org.optim4j.rule;

import java.util.List;
import org.optim4j.internal.Check;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.Params;
import org.optim4j.transform.ScaleByAdaMax;
import org.optim4j.transform.ScaleByLearningRate;
import org.optim4j.transform.Transform;

/**
 * AdaMax (Kingma &amp; Ba 2015, §7.1) as PyTorch 1.13's {@code torch.optim.Adamax} (weight_decay = 0):
 * <pre>
 *   s = ρ₁·s + (1 − ρ₁)·g;  v = max(ρ₂·v, |g| + ε)
 *   θ = θ − (α_t/(1 − ρ₁^(t+1)))·s/v
 * </pre>
 * ε inside the maximum, as PyTorch and Optax. Chain: scale_by_adamax, scale_by_learning_rate. Memory: two state
 * buffers (s, v).
 */
public record AdaMax(Schedule learningRate, double rho1, double rho2, double epsilon) implements UpdateRule {
    /** The registry entry. */
    public static final RuleType TYPE = new RuleType("adamax", "AdaMax, Adam under the ∞-norm (torch.optim.Adamax)",
            List.of(Params.LEARNING_RATE.withDefault(AdaMax.DEFAULT_LEARNING_RATE), Params.RHO1, Params.RHO2,
                    Params.EPSILON),
            v -> v.constantExcept(Params.LEARNING_RATE)
                    ? new AdaMax(v.get(Params.LEARNING_RATE), v.constant(Params.RHO1), v.constant(Params.RHO2),
                            v.constant(Params.EPSILON))
                    : new ChainRule("adamax", List.of(new ScaleByAdaMax(v.get(Params.RHO1), v.get(Params.RHO2),
                            v.get(Params.EPSILON)), new ScaleByLearningRate(v.get(Params.LEARNING_RATE)))));
    /** PyTorch's default α. */
    public static final double DEFAULT_LEARNING_RATE = 2e-3;

    public AdaMax {
        Check.notNull("learningRate", learningRate);
        Params.RHO1.check(rho1);
        Params.RHO2.check(rho2);
        Params.EPSILON.check(epsilon);
    }

    @Override
    public String id() {
        return "adamax";
    }

    @Override
    public List<Transform> transforms() {
        return List.of(new ScaleByAdaMax(Schedule.fixed(rho1), Schedule.fixed(rho2), Schedule.fixed(epsilon)),
                new ScaleByLearningRate(learningRate));
    }

    @Override
    public AdaMax withLearningRate(Schedule schedule) {
        return new AdaMax(schedule, rho1, rho2, epsilon);
    }

    /** This rule with every hyper-parameter at its default (docs/rules.md). */
    public static AdaMax defaults() {
        return (AdaMax) TYPE.defaults();
    }

    /** A builder from the defaults: any hyper-parameter by name or alias ({@link RuleBuilder}). */
    public static RuleBuilder builder() {
        return new RuleBuilder(TYPE);
    }
}
