package org.optim4j.rule;

import java.util.List;
import org.optim4j.internal.Check;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.Params;
import org.optim4j.transform.ScaleByScheduleFreeAdamW;
import org.optim4j.transform.Transform;

/**
 * Schedule-free AdamW (Defazio et al. 2024) as {@code schedulefree.AdamWScheduleFree}: one transform,
 * {@link ScaleByScheduleFreeAdamW}. The parameters buffer holds y, where the gradient is taken (train mode);
 * {@link org.optim4j.Optimizer#evaluationPoint} gives x, where to evaluate (eval mode). Memory: two state buffers
 * (z, r). Defaults: schedulefree's (α = 0.0025, ρ₁ = 0.9, ρ₂ = 0.999, ε = 1e-8, λ = 0, warmup_steps = 0, r = 0,
 * weight_lr_power = 2).
 */
public record AdamWScheduleFree(ScaleByScheduleFreeAdamW transform) implements UpdateRule {
    public static final String ID = "adamw_schedulefree";
    /** The registry entry. */
    public static final RuleType TYPE = new RuleType(ID,
            "schedule-free AdamW (Defazio et al. 2024; schedulefree.AdamWScheduleFree)",
            List.of(Params.LEARNING_RATE.withDefault(0.0025), Params.RHO1, Params.RHO2, Params.EPSILON,
                    Params.WEIGHT_DECAY.withDefault(0.0), ScaleByScheduleFreeAdamW.WARMUP_STEPS,
                    ScaleByScheduleFreeAdamW.R, ScaleByScheduleFreeAdamW.WEIGHT_LR_POWER),
            v -> new AdamWScheduleFree(new ScaleByScheduleFreeAdamW(v.get(Params.LEARNING_RATE), v.get(Params.RHO1),
                    v.get(Params.RHO2), v.get(Params.EPSILON), v.get(Params.WEIGHT_DECAY),
                    v.get(ScaleByScheduleFreeAdamW.WARMUP_STEPS), v.get(ScaleByScheduleFreeAdamW.R),
                    v.get(ScaleByScheduleFreeAdamW.WEIGHT_LR_POWER))));

    public AdamWScheduleFree {
        Check.notNull("transform", transform);
    }

    /** This rule with every hyper-parameter at its default (docs/rules.md). */
    public static AdamWScheduleFree defaults() {
        return (AdamWScheduleFree) TYPE.defaults();
    }

    /** A builder from the defaults: any hyper-parameter by name or alias ({@link RuleBuilder}). */
    public static RuleBuilder builder() {
        return new RuleBuilder(TYPE);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<Transform> transforms() {
        return List.of(transform);
    }

    @Override
    public Schedule learningRate() {
        return transform.learningRate();
    }

    @Override
    public AdamWScheduleFree withLearningRate(Schedule schedule) {
        return new AdamWScheduleFree(transform.withLearningRate(schedule));
    }
}
