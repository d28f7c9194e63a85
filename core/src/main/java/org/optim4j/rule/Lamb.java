package org.optim4j.rule;

import java.util.List;
import org.optim4j.internal.Check;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.AddDecayedWeights;
import org.optim4j.transform.Params;
import org.optim4j.transform.ScaleByAdam;
import org.optim4j.transform.ScaleByLearningRate;
import org.optim4j.transform.ScaleByTrustRatio;
import org.optim4j.transform.Transform;

/**
 * LAMB (You et al. 2020), as Optax's {@code lamb}: chain scale_by_adam, add_decayed_weights, scale_by_trust_ratio,
 * scale_by_learning_rate. Per tensor of the optimizer's layout:
 * <pre>
 *   s, r, ŝ, r̂ as Adam;   a = ŝ/(√r̂ + ε) + λ·θ
 *   θ = θ − α_t·(‖θ‖₂/‖a‖₂)·a          (ratio 1 when either norm is 0)
 * </pre>
 * The norms are per tensor (a {@link org.optim4j.ParameterSet} layout's tensors; without a layout the whole
 * buffer is one tensor). Memory: two state buffers (s, r). Defaults: Optax's (ρ₁ = 0.9, ρ₂ = 0.999, ε = 1e-6,
 * λ = 0); α = 1e-3. Optax's eps_root is 0 here (its default).
 */
public record Lamb(Schedule learningRate, double rho1, double rho2, double epsilon, double weightDecay)
        implements UpdateRule {
    /** The registry entry. */
    public static final RuleType TYPE = new RuleType("lamb",
            "LAMB, Adam with a per-tensor trust ratio (You et al. 2020; optax.lamb)",
            List.of(Params.LEARNING_RATE.withDefault(1e-3), Params.RHO1, Params.RHO2, Params.EPSILON.withDefault(1e-6),
                    Params.WEIGHT_DECAY.withDefault(0.0)),
            v -> v.constantExcept(Params.LEARNING_RATE)
                    ? new Lamb(v.get(Params.LEARNING_RATE), v.constant(Params.RHO1), v.constant(Params.RHO2),
                            v.constant(Params.EPSILON), v.constant(Params.WEIGHT_DECAY))
                    : new ChainRule("lamb", chain(v.get(Params.LEARNING_RATE), v.get(Params.RHO1), v.get(Params.RHO2),
                            v.get(Params.EPSILON), v.get(Params.WEIGHT_DECAY))));

    public Lamb {
        Check.notNull("learningRate", learningRate);
        Params.RHO1.check(rho1);
        Params.RHO2.check(rho2);
        Params.EPSILON.check(epsilon);
        Params.WEIGHT_DECAY.check(weightDecay);
    }

    /** LAMB with these constants. */
    public static Lamb of(double learningRate, double rho1, double rho2, double epsilon, double weightDecay) {
        return new Lamb(Schedule.constant(learningRate), rho1, rho2, epsilon, weightDecay);
    }

    /** This rule with every hyper-parameter at its default (docs/rules.md). */
    public static Lamb defaults() {
        return (Lamb) TYPE.defaults();
    }

    /** A builder from the defaults: any hyper-parameter by name or alias ({@link RuleBuilder}). */
    public static RuleBuilder builder() {
        return new RuleBuilder(TYPE);
    }

    static List<Transform> chain(Schedule lr, Schedule rho1, Schedule rho2, Schedule eps, Schedule wd) {
        return List.of(new ScaleByAdam(rho1, rho2, eps), new AddDecayedWeights(wd), new ScaleByTrustRatio(),
                new ScaleByLearningRate(lr));
    }

    @Override
    public String id() {
        return "lamb";
    }

    @Override
    public List<Transform> transforms() {
        return chain(learningRate, Schedule.fixed(rho1), Schedule.fixed(rho2), Schedule.fixed(epsilon),
                Schedule.fixed(weightDecay));
    }

    @Override
    public Lamb withLearningRate(Schedule schedule) {
        return new Lamb(schedule, rho1, rho2, epsilon, weightDecay);
    }
}
