package org.optim4j.rule;

import java.util.List;
import org.optim4j.schedule.LearningRateSchedule;
import org.optim4j.spi.KernelId;
import org.optim4j.spi.StepScalars;

/**
 * RMSProp, ε outside the square root:
 *
 * <pre>
 *   r = ρ₂·r + (1 − ρ₂)·g⊙g
 *   θ = θ − α_t·g / (√r + ε)
 * </pre>
 *
 * Equals PyTorch's {@code RMSprop(alpha=ρ₂, centered=False, momentum=0)}.
 *
 * <p>Memory: one state buffer (r).
 *
 * @param rho2    ρ₂ ∈ [0, 1), default {@value #DEFAULT_RHO2}
 * @param epsilon ε &gt; 0, default {@value #DEFAULT_EPSILON}
 */
public record RmsProp(LearningRateSchedule learningRate, double rho2, double epsilon) implements UpdateRule {
    public static final double DEFAULT_RHO2 = 0.9;
    public static final double DEFAULT_EPSILON = 1e-8;

    public RmsProp {
        Check.notNull("learningRate", learningRate);
        Check.unitInterval("rho2", rho2);
        Check.positive("epsilon", epsilon);
    }

    /** RMSProp with a constant learning rate and the default ρ₂ and ε. */
    public static RmsProp of(double alpha) {
        return new RmsProp(LearningRateSchedule.constant(alpha), DEFAULT_RHO2, DEFAULT_EPSILON);
    }

    @Override
    public String id() {
        return "rmsprop";
    }

    @Override
    public RmsProp withLearningRate(LearningRateSchedule schedule) {
        return new RmsProp(schedule, rho2, epsilon);
    }

    @Override
    public List<String> stateNames() {
        return List.of("r");
    }

    @Override
    public KernelId kernel() {
        return KernelId.RMSPROP;
    }

    @Override
    public StepScalars scalars(long t, StepScalars into) {
        Check.step(t);
        Check.notNull("into", into);
        return into.set(t, learningRate.rate(t), 0, rho2, epsilon, 1, 1);
    }
}
