package org.optim4j.rule;

import java.util.List;
import org.optim4j.schedule.LearningRateSchedule;
import org.optim4j.spi.KernelId;
import org.optim4j.spi.StepScalars;

/**
 * Stochastic gradient descent: {@code θ = θ − α_t·g}. With a {@link org.optim4j.schedule.LinearDecay}
 * schedule this is the spec's SGD with a linearly decaying learning rate.
 *
 * <p>Memory: no state buffer.
 */
public record Sgd(LearningRateSchedule learningRate) implements UpdateRule {

    public Sgd {
        Check.notNull("learningRate", learningRate);
    }

    /** SGD with a constant learning rate. */
    public static Sgd of(double alpha) {
        return new Sgd(LearningRateSchedule.constant(alpha));
    }

    @Override
    public String id() {
        return "sgd";
    }

    @Override
    public Sgd withLearningRate(LearningRateSchedule schedule) {
        return new Sgd(schedule);
    }

    @Override
    public List<String> stateNames() {
        return List.of();
    }

    @Override
    public KernelId kernel() {
        return KernelId.SGD;
    }

    @Override
    public StepScalars scalars(long t, StepScalars into) {
        Check.step(t);
        Check.notNull("into", into);
        return into.set(t, learningRate.rate(t), 0, 0, 0, 1, 1);
    }
}
