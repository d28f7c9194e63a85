package org.optim4j.schedule;

import java.util.LinkedHashMap;
import java.util.Map;
import org.optim4j.internal.Check;

/**
 * Exponential decay (PyTorch's {@code ExponentialLR}): α_t = α_0·γ^t.
 *
 * @param alpha0 α_0 &gt; 0, the rate at t = 0
 * @param gamma  γ &gt; 0, the factor per step
 */
public record ExponentialDecay(double alpha0, double gamma) implements Schedule.Encodable {

    public ExponentialDecay {
        Check.positive("alpha0", alpha0);
        Check.positive("gamma", gamma);
    }

    @Override
    public double value(long step) {
        Check.step(step);
        return alpha0 * Math.pow(gamma, (double) step);
    }

    @Override
    public String kind() {
        return "exponential";
    }

    @Override
    public Map<String, Number> parameters() {
        Map<String, Number> m = new LinkedHashMap<>();
        m.put("alpha0", alpha0);
        m.put("gamma", gamma);
        return m;
    }

    @Override
    public String toString() {
        return Schedules.text(this);
    }
}
