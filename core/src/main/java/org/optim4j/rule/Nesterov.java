package org.optim4j.rule;

import java.util.List;
import org.optim4j.schedule.LearningRateSchedule;
import org.optim4j.spi.KernelId;
import org.optim4j.spi.StepScalars;

/**
 * Nesterov momentum: momentum with the gradient taken at the look-ahead point.
 *
 * <pre>
 *   g = ∇R(θ + ρ·s)
 *   s = ρ·s − α_t·g
 *   θ = θ + s
 * </pre>
 *
 * Two forms are offered by {@link org.optim4j.Optimizer}: the spec form, {@code step(θ, gradientFunction)},
 * evaluates the gradient function at θ + ρ·s itself; the reparametrised form (DL4J, PyTorch),
 * {@code step(θ̃, g)}, keeps θ̃ = θ + ρ·s as the parameters and takes g = ∇R(θ̃):
 * {@code s' = ρ·s − α·g; θ̃ = θ̃ + (1+ρ)·s' − ρ·s}. Both follow the same trajectory.
 *
 * <p>Memory: one state buffer (s); the spec form needs two more scratch buffers (look-ahead point and gradient).
 *
 * @param rho ρ ∈ [0, 1)
 */
public record Nesterov(LearningRateSchedule learningRate, double rho) implements UpdateRule {

    public Nesterov {
        Check.notNull("learningRate", learningRate);
        Check.unitInterval("rho", rho);
    }

    public static Nesterov of(double alpha, double rho) {
        return new Nesterov(LearningRateSchedule.constant(alpha), rho);
    }

    @Override
    public String id() {
        return "nesterov";
    }

    @Override
    public Nesterov withLearningRate(LearningRateSchedule schedule) {
        return new Nesterov(schedule, rho);
    }

    @Override
    public List<String> stateNames() {
        return List.of("s");
    }

    /** The reparametrised kernel; the spec form uses {@link KernelId#NESTEROV_LOOKAHEAD} then {@link KernelId#MOMENTUM}. */
    @Override
    public KernelId kernel() {
        return KernelId.NESTEROV;
    }

    @Override
    public StepScalars scalars(long t, StepScalars into) {
        Check.step(t);
        Check.notNull("into", into);
        return into.set(t, learningRate.rate(t), rho, 0, 0, 1, 1);
    }
}
