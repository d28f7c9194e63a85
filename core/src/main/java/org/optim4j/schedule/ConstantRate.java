package org.optim4j.schedule;

import org.optim4j.rule.Check;

/** α_t = α for every step. */
public record ConstantRate(double alpha) implements LearningRateSchedule {

    public ConstantRate {
        Check.positive("alpha", alpha);
    }

    @Override
    public double rate(long step) {
        Check.step(step);
        return alpha;
    }

    @Override
    public String toString() {
        return Double.toString(alpha);
    }
}
