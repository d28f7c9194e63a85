package org.optim4j.rule;

import java.util.List;
import org.optim4j.internal.Check;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.AddDecayedWeights;
import org.optim4j.transform.Params;
import org.optim4j.transform.ScaleByLearningRate;
import org.optim4j.transform.ScaleByLion;
import org.optim4j.transform.Transform;

/**
 * Lion (Chen et al. 2023, Algorithm 2) as Optax's {@code lion}: chain scale_by_lion, add_decayed_weights,
 * scale_by_learning_rate:
 * <pre>
 *   c = ρ₁·s + (1 − ρ₁)·g
 *   θ = θ − α_t·(sign(c) + λ·θ)
 *   s = ρ₂·s + (1 − ρ₂)·g
 * </pre>
 * Memory: one state buffer (s). Defaults: ρ₁ = 0.9, ρ₂ = 0.99, λ = 1e-3 (Optax's), α = 1e-4 (the paper's advice:
 * 3–10× smaller than AdamW's).
 */
public record Lion(Schedule learningRate, double rho1, double rho2, double weightDecay) implements UpdateRule {
    /** The registry entry. */
    public static final RuleType TYPE = new RuleType("lion",
            "Lion, sign of an interpolated momentum (Chen et al. 2023; optax.lion)",
            List.of(Params.LEARNING_RATE.withDefault(1e-4), Params.RHO1, Params.RHO2.withDefault(0.99),
                    Params.WEIGHT_DECAY.withDefault(1e-3)),
            v -> v.constantExcept(Params.LEARNING_RATE)
                    ? new Lion(v.get(Params.LEARNING_RATE), v.constant(Params.RHO1), v.constant(Params.RHO2),
                            v.constant(Params.WEIGHT_DECAY))
                    : new ChainRule("lion", chain(v.get(Params.LEARNING_RATE), v.get(Params.RHO1), v.get(Params.RHO2),
                            v.get(Params.WEIGHT_DECAY))));

    public Lion {
        Check.notNull("learningRate", learningRate);
        Params.RHO1.check(rho1);
        Params.RHO2.check(rho2);
        Params.WEIGHT_DECAY.check(weightDecay);
    }

    private static List<Transform> chain(Schedule lr, Schedule rho1, Schedule rho2, Schedule wd) {
        return List.of(new ScaleByLion(rho1, rho2), new AddDecayedWeights(wd), new ScaleByLearningRate(lr));
    }

    @Override
    public String id() {
        return "lion";
    }

    @Override
    public List<Transform> transforms() {
        return chain(learningRate, Schedule.fixed(rho1), Schedule.fixed(rho2), Schedule.fixed(weightDecay));
    }

    @Override
    public Lion withLearningRate(Schedule schedule) {
        return new Lion(schedule, rho1, rho2, weightDecay);
    }

    /** This rule with every hyper-parameter at its default (docs/rules.md). */
    public static Lion defaults() {
        return (Lion) TYPE.defaults();
    }

    /** A builder from the defaults: any hyper-parameter by name or alias ({@link RuleBuilder}). */
    public static RuleBuilder builder() {
        return new RuleBuilder(TYPE);
    }
}
