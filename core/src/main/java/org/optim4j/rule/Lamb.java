package org.optim4j.rule;

import java.util.List;
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
public final class Lamb {
    /** The registry entry. */
    public static final RuleType TYPE = new RuleType("lamb",
            "LAMB, Adam with a per-tensor trust ratio (You et al. 2020; optax.lamb)",
            List.of(Params.LEARNING_RATE.withDefault(1e-3), Params.RHO1, Params.RHO2, Params.EPSILON.withDefault(1e-6),
                    Params.WEIGHT_DECAY.withDefault(0.0)),
            v -> new ChainRule("lamb", chain(v.get(Params.LEARNING_RATE), v.get(Params.RHO1), v.get(Params.RHO2),
                    v.get(Params.EPSILON), v.get(Params.WEIGHT_DECAY))));

    private Lamb() {
    }

    /** LAMB with these constants. */
    public static UpdateRule of(double learningRate, double rho1, double rho2, double epsilon, double weightDecay) {
        return new ChainRule("lamb", chain(Schedule.constant(Params.LEARNING_RATE.check(learningRate)),
                Params.fixed(Params.RHO1, rho1), Params.fixed(Params.RHO2, rho2), Params.fixed(Params.EPSILON, epsilon),
                Params.fixed(Params.WEIGHT_DECAY, weightDecay)));
    }

    static List<Transform> chain(Schedule lr, Schedule rho1, Schedule rho2, Schedule eps, Schedule wd) {
        return List.of(new ScaleByAdam(rho1, rho2, eps), new AddDecayedWeights(wd), new ScaleByTrustRatio(),
                new ScaleByLearningRate(lr));
    }
}
