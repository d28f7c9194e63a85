package org.optim4j.schedule;

import org.optim4j.rule.Check;

/**
 * Linear decay (the spec's dynamic learning rate):
 *
 * <pre>
 *   α_t = (1 − t/τ)·α_0 + (t/τ)·α_τ   if t &lt; τ
 *   α_t = α_τ                         otherwise
 * </pre>
 *
 * @param alpha0   α_0 &gt; 0, the rate at t = 0
 * @param alphaTau α_τ ≥ 0, the rate from t = τ on
 * @param tau      τ &gt; 0, the number of steps of the decay
 */
public record LinearDecay(double alpha0, double alphaTau, long tau) implements LearningRateSchedule {

    public LinearDecay {
        Check.positive("alpha0", alpha0);
        Check.nonNegative("alphaTau", alphaTau);
        if (tau <= 0) {
            throw new IllegalArgumentException("tau must be > 0, got " + tau);
        }
    }

    @Override
    public double rate(long step) {
        Check.step(step);
        if (step >= tau) {
            return alphaTau;
        }
        double f = (double) step / tau;
        return (1 - f) * alpha0 + f * alphaTau;
    }

    @Override
    public String toString() {
        return "linear:" + alpha0 + "," + alphaTau + "," + tau;
    }
}
