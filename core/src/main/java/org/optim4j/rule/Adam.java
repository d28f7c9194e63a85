package org.optim4j.rule;

import java.util.List;
import org.optim4j.schedule.LearningRateSchedule;
import org.optim4j.spi.KernelId;
import org.optim4j.spi.StepScalars;

/**
 * Adam (Kingma &amp; Ba 2015), ε outside the square root and added after bias correction
 * (as PyTorch and Optax; DL4J's native op adds it to the uncorrected r):
 *
 * <pre>
 *   s = ρ₁·s + (1 − ρ₁)·g
 *   r = ρ₂·r + (1 − ρ₂)·g⊙g
 *   ŝ = s / (1 − ρ₁^(t+1))
 *   r̂ = r / (1 − ρ₂^(t+1))
 *   θ = θ − α_t·ŝ / (√r̂ + ε)
 * </pre>
 *
 * <p>Memory: two state buffers (s, r).
 *
 * @param rho1    ρ₁ ∈ [0, 1), default {@value #DEFAULT_RHO1}
 * @param rho2    ρ₂ ∈ [0, 1), default {@value #DEFAULT_RHO2}
 * @param epsilon ε &gt; 0, default {@value #DEFAULT_EPSILON}
 */
public record Adam(LearningRateSchedule learningRate, double rho1, double rho2, double epsilon)
        implements UpdateRule {
    public static final double DEFAULT_LEARNING_RATE = 1e-3;
    public static final double DEFAULT_RHO1 = 0.9;
    public static final double DEFAULT_RHO2 = 0.999;
    public static final double DEFAULT_EPSILON = 1e-8;

    public Adam {
        Check.notNull("learningRate", learningRate);
        Check.unitInterval("rho1", rho1);
        Check.unitInterval("rho2", rho2);
        Check.positive("epsilon", epsilon);
    }

    /** Adam with every default: α = 1e-3, ρ₁ = 0.9, ρ₂ = 0.999, ε = 1e-8. */
    public static Adam defaults() {
        return of(DEFAULT_LEARNING_RATE);
    }

    /** Adam with a constant learning rate and the default ρ₁, ρ₂, ε. */
    public static Adam of(double alpha) {
        return new Adam(LearningRateSchedule.constant(alpha), DEFAULT_RHO1, DEFAULT_RHO2, DEFAULT_EPSILON);
    }

    @Override
    public String id() {
        return "adam";
    }

    @Override
    public Adam withLearningRate(LearningRateSchedule schedule) {
        return new Adam(schedule, rho1, rho2, epsilon);
    }

    @Override
    public List<String> stateNames() {
        return List.of("s", "r");
    }

    @Override
    public KernelId kernel() {
        return KernelId.ADAM;
    }

    @Override
    public StepScalars scalars(long t, StepScalars into) {
        Check.step(t);
        Check.notNull("into", into);
        return into.set(t, learningRate.rate(t), rho1, rho2, epsilon,
                1 - Math.pow(rho1, t + 1), 1 - Math.pow(rho2, t + 1));
    }
}
