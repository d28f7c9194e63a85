package org.optim4j.rule;

import java.util.List;
import org.optim4j.internal.Check;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.Params;
import org.optim4j.transform.ScaleByLearningRate;
import org.optim4j.transform.ScaleByRms;
import org.optim4j.transform.Transform;

/**
 * RMSProp, ε outside the square root:
 *
 * <pre>
 *   r = ρ₂·r + (1 − ρ₂)·g⊙g
 *   θ = θ − α_t·g / (√r + ε)
 * </pre>
 *
 * Chain: scale_by_rms, scale_by_learning_rate. Memory: one state buffer (r).
 *
 * @param rho2    ρ₂ ∈ [0, 1), default {@value #DEFAULT_RHO2}
 * @param epsilon ε &gt; 0, default {@value #DEFAULT_EPSILON}
 */
public record RmsProp(Schedule learningRate, double rho2, double epsilon) implements UpdateRule {
    /** The registry entry. */
    public static final RuleType TYPE = new RuleType("rmsprop",
            "RMSProp, ε outside √ (spec; torch.optim.RMSprop(alpha=ρ₂))",
            List.of(Params.LEARNING_RATE.withDefault(1e-3), Params.RHO2.withDefault(RmsProp.DEFAULT_RHO2), Params.EPSILON),
            v -> v.constantExcept(Params.LEARNING_RATE)
                    ? new RmsProp(v.get(Params.LEARNING_RATE), v.constant(Params.RHO2), v.constant(Params.EPSILON))
                    : new ChainRule("rmsprop", List.of(new ScaleByRms(v.get(Params.RHO2), v.get(Params.EPSILON)),
                            new ScaleByLearningRate(v.get(Params.LEARNING_RATE)))));
    public static final double DEFAULT_RHO2 = 0.9;
    public static final double DEFAULT_EPSILON = 1e-8;

    public RmsProp {
        Check.notNull("learningRate", learningRate);
        Params.RHO2.check(rho2);
        Params.EPSILON.check(epsilon);
    }

    /** RMSProp with a constant learning rate and the default ρ₂, ε. */
    public static RmsProp of(double alpha) {
        return new RmsProp(Schedule.constant(alpha), DEFAULT_RHO2, DEFAULT_EPSILON);
    }

    @Override
    public String id() {
        return "rmsprop";
    }

    @Override
    public List<Transform> transforms() {
        return List.of(new ScaleByRms(Schedule.fixed(rho2), Schedule.fixed(epsilon)),
                new ScaleByLearningRate(learningRate));
    }

    @Override
    public RmsProp withLearningRate(Schedule schedule) {
        return new RmsProp(schedule, rho2, epsilon);
    }

    /** This rule with every hyper-parameter at its default (docs/rules.md). */
    public static RmsProp defaults() {
        return (RmsProp) TYPE.defaults();
    }

    /** A builder from the defaults: any hyper-parameter by name or alias ({@link RuleBuilder}). */
    public static RuleBuilder builder() {
        return new RuleBuilder(TYPE);
    }
}
