package org.optim4j.rule;

import java.util.List;
import org.optim4j.schedule.LearningRateSchedule;
import org.optim4j.spi.KernelId;
import org.optim4j.spi.StepScalars;

/**
 * AdaGrad, ε outside the square root (as PyTorch and DL4J):
 *
 * <pre>
 *   r = r + g⊙g
 *   θ = θ − α_t·g / (√r + ε)
 * </pre>
 *
 * <p>Memory: one state buffer (r).
 *
 * @param epsilon ε &gt; 0, default {@value #DEFAULT_EPSILON}
 */
public record AdaGrad(LearningRateSchedule learningRate, double epsilon) implements UpdateRule {
    public static final double DEFAULT_EPSILON = 1e-8;

    public AdaGrad {
        Check.notNull("learningRate", learningRate);
        Check.positive("epsilon", epsilon);
    }

    /** AdaGrad with a constant learning rate and the default ε. */
    public static AdaGrad of(double alpha) {
        return new AdaGrad(LearningRateSchedule.constant(alpha), DEFAULT_EPSILON);
    }

    @Override
    public String id() {
        return "adagrad";
    }

    @Override
    public AdaGrad withLearningRate(LearningRateSchedule schedule) {
        return new AdaGrad(schedule, epsilon);
    }

    @Override
    public List<String> stateNames() {
        return List.of("r");
    }

    @Override
    public KernelId kernel() {
        return KernelId.ADAGRAD;
    }

    @Override
    public StepScalars scalars(long t, StepScalars into) {
        Check.step(t);
        Check.notNull("into", into);
        return into.set(t, learningRate.rate(t), 0, 0, epsilon, 1, 1);
    }
}
