package org.optim4j.rule;

import java.util.List;
import org.optim4j.schedule.LearningRateSchedule;
import org.optim4j.spi.KernelId;
import org.optim4j.spi.StepScalars;

/**
 * Momentum (DL4J convention, α inside the velocity):
 *
 * <pre>
 *   s = ρ·s − α_t·g
 *   θ = θ + s
 * </pre>
 *
 * Under a constant gradient s tends to −α·g/(1−ρ): the terminal speed is α‖g‖/(1−ρ).
 * Equals PyTorch's {@code SGD(momentum=ρ, dampening=0)} (with s = −α·v) while α is constant.
 *
 * <p>Memory: one state buffer (s).
 *
 * @param rho ρ ∈ [0, 1)
 */
public record Momentum(LearningRateSchedule learningRate, double rho) implements UpdateRule {

    public Momentum {
        Check.notNull("learningRate", learningRate);
        Check.unitInterval("rho", rho);
    }

    public static Momentum of(double alpha, double rho) {
        return new Momentum(LearningRateSchedule.constant(alpha), rho);
    }

    @Override
    public String id() {
        return "momentum";
    }

    @Override
    public Momentum withLearningRate(LearningRateSchedule schedule) {
        return new Momentum(schedule, rho);
    }

    @Override
    public List<String> stateNames() {
        return List.of("s");
    }

    @Override
    public KernelId kernel() {
        return KernelId.MOMENTUM;
    }

    @Override
    public StepScalars scalars(long t, StepScalars into) {
        Check.step(t);
        Check.notNull("into", into);
        return into.set(t, learningRate.rate(t), rho, 0, 0, 1, 1);
    }
}
