package org.optim4j.rule;

import java.util.List;
import org.optim4j.internal.Check;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.AddDecayedWeights;
import org.optim4j.transform.Params;
import org.optim4j.transform.ScaleByAdam;
import org.optim4j.transform.ScaleByLearningRate;
import org.optim4j.transform.Transform;

/**
 * AdamW (Loshchilov &amp; Hutter 2019) as PyTorch 1.13's {@code torch.optim.AdamW}: Adam with decoupled weight
 * decay, θ ← θ − α_t·λ·θ − α_t·ŝ/(√r̂ + ε). Chain: scale_by_adam, add_decayed_weights, scale_by_learning_rate
 * (Optax's {@code adamw}). PyTorch applies the decay to θ before the Adam update; here both terms are computed
 * from the θ before the step and added once, the same value up to one float rounding.
 *
 * <p>Memory: two state buffers (s, r), as Adam.
 *
 * @param weightDecay λ ≥ 0, default {@value #DEFAULT_WEIGHT_DECAY} (PyTorch's)
 */
public record AdamW(Schedule learningRate, double rho1, double rho2, double epsilon, double weightDecay)
        implements UpdateRule {
    /** The registry entry. */
    public static final RuleType TYPE = new RuleType("adamw",
            "AdamW, decoupled weight decay (torch.optim.AdamW, optax.adamw)",
            List.of(Params.LEARNING_RATE.withDefault(Adam.DEFAULT_LEARNING_RATE), Params.RHO1, Params.RHO2,
                    Params.EPSILON, Params.WEIGHT_DECAY.withDefault(AdamW.DEFAULT_WEIGHT_DECAY)),
            v -> v.constantExcept(Params.LEARNING_RATE)
                    ? new AdamW(v.get(Params.LEARNING_RATE), v.constant(Params.RHO1), v.constant(Params.RHO2),
                            v.constant(Params.EPSILON), v.constant(Params.WEIGHT_DECAY))
                    : new ChainRule("adamw", chain(v.get(Params.LEARNING_RATE), v.get(Params.RHO1), v.get(Params.RHO2),
                            v.get(Params.EPSILON), v.get(Params.WEIGHT_DECAY))));
    public static final double DEFAULT_WEIGHT_DECAY = 0.01;

    public AdamW {
        Check.notNull("learningRate", learningRate);
        Params.RHO1.check(rho1);
        Params.RHO2.check(rho2);
        Params.EPSILON.check(epsilon);
        Params.WEIGHT_DECAY.check(weightDecay);
    }

    /** AdamW with a constant learning rate α, weight decay λ and the default ρ₁, ρ₂, ε. */
    public static AdamW of(double alpha, double weightDecay) {
        return new AdamW(Schedule.constant(alpha), Adam.DEFAULT_RHO1, Adam.DEFAULT_RHO2, Adam.DEFAULT_EPSILON,
                weightDecay);
    }

    private static List<Transform> chain(Schedule lr, Schedule rho1, Schedule rho2, Schedule eps, Schedule wd) {
        return List.of(new ScaleByAdam(rho1, rho2, eps), new AddDecayedWeights(wd), new ScaleByLearningRate(lr));
    }

    @Override
    public String id() {
        return "adamw";
    }

    @Override
    public List<Transform> transforms() {
        return chain(learningRate, Schedule.fixed(rho1), Schedule.fixed(rho2), Schedule.fixed(epsilon),
                Schedule.fixed(weightDecay));
    }

    @Override
    public AdamW withLearningRate(Schedule schedule) {
        return new AdamW(schedule, rho1, rho2, epsilon, weightDecay);
    }

    /** This rule with every hyper-parameter at its default (docs/rules.md). */
    public static AdamW defaults() {
        return (AdamW) TYPE.defaults();
    }

    /** A builder from the defaults: any hyper-parameter by name or alias ({@link RuleBuilder}). */
    public static RuleBuilder builder() {
        return new RuleBuilder(TYPE);
    }
}
