package org.optim4j.schedule;

import java.util.LinkedHashMap;
import java.util.Map;
import org.optim4j.internal.Check;

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
public record LinearDecay(double alpha0, double alphaTau, long tau) implements Schedule.Encodable {

    public LinearDecay {
        Check.positive("alpha0", alpha0);
        Check.nonNegative("alphaTau", alphaTau);
        if (tau <= 0) {
            throw new IllegalArgumentException("tau must be > 0, got " + tau);
        }
    }

    @Override
    public double value(long step) {
        Check.step(step);
        if (step >= tau) {
            return alphaTau;
        }
        double f = (double) step / tau;
        return (1 - f) * alpha0 + f * alphaTau;
    }

    @Override
    public String kind() {
        return "linear";
    }

    @Override
    public Map<String, Number> parameters() {
        Map<String, Number> m = new LinkedHashMap<>();
        m.put("alpha0", alpha0);
        m.put("alphaTau", alphaTau);
        m.put("tau", tau);
        return m;
    }

    @Override
    public String toString() {
        return "linear:" + alpha0 + "," + alphaTau + "," + tau;
    }
}
