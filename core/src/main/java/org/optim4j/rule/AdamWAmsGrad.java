package org.optim4j.rule;

import java.util.List;
import org.optim4j.internal.Check;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.AddDecayedWeights;
import org.optim4j.transform.Params;
import org.optim4j.transform.ScaleByAmsGrad;
import org.optim4j.transform.ScaleByLearningRate;
import org.optim4j.transform.Transform;

/**
 * AdamW with AMSGrad's maximum, as PyTorch 1.13's {@code torch.optim.AdamW(amsgrad=True)}:
 * θ = θ − α_t·λ·θ − (α_t/bc₁)·s/(√r_max/√bc₂ + ε), s, r, r_max as {@link AmsGrad}. Chain: scale_by_amsgrad,
 * add_decayed_weights, scale_by_learning_rate. Memory: three state buffers (s, r, r_max).
 */
public record AdamWAmsGrad(Schedule learningRate, double rho1, double rho2, double epsilon, double weightDecay)
        implements UpdateRule {
    /** The registry entry. */
    public static final RuleType TYPE = new RuleType("adamw_amsgrad",
            "AdamW with AMSGrad's maximum (torch.optim.AdamW(amsgrad=True))",
            List.of(Params.LEARNING_RATE.withDefault(Adam.DEFAULT_LEARNING_RATE), Params.RHO1, Params.RHO2,
                    Params.EPSILON, Params.WEIGHT_DECAY.withDefault(AdamW.DEFAULT_WEIGHT_DECAY)),
            v -> v.constantExcept(Params.LEARNING_RATE)
                    ? new AdamWAmsGrad(v.get(Params.LEARNING_RATE), v.constant(Params.RHO1), v.constant(Params.RHO2),
                            v.constant(Params.EPSILON), v.constant(Params.WEIGHT_DECAY))
                    : new ChainRule("adamw_amsgrad", chain(v.get(Params.LEARNING_RATE), v.get(Params.RHO1),
                            v.get(Params.RHO2), v.get(Params.EPSILON), v.get(Params.WEIGHT_DECAY))));

    public AdamWAmsGrad {
        Check.notNull("learningRate", learningRate);
        Params.RHO1.check(rho1);
        Params.RHO2.check(rho2);
        Params.EPSILON.check(epsilon);
        Params.WEIGHT_DECAY.check(weightDecay);
    }

    private static List<Transform> chain(Schedule lr, Schedule rho1, Schedule rho2, Schedule eps, Schedule wd) {
        return List.of(new ScaleByAmsGrad(rho1, rho2, eps), new AddDecayedWeights(wd), new ScaleByLearningRate(lr));
    }

    @Override
    public String id() {
        return "adamw_amsgrad";
    }

    @Override
    public List<Transform> transforms() {
        return chain(learningRate, Schedule.fixed(rho1), Schedule.fixed(rho2), Schedule.fixed(epsilon),
                Schedule.fixed(weightDecay));
    }

    @Override
    public AdamWAmsGrad withLearningRate(Schedule schedule) {
        return new AdamWAmsGrad(schedule, rho1, rho2, epsilon, weightDecay);
    }

    /** This rule with every hyper-parameter at its default (docs/rules.md). */
    public static AdamWAmsGrad defaults() {
        return (AdamWAmsGrad) TYPE.defaults();
    }

    /** A builder from the defaults: any hyper-parameter by name or alias ({@link RuleBuilder}). */
    public static RuleBuilder builder() {
        return new RuleBuilder(TYPE);
    }
}
