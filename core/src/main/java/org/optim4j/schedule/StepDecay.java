package org.optim4j.schedule;

import java.util.LinkedHashMap;
import java.util.Map;
import org.optim4j.internal.Check;

/**
 * Step decay (PyTorch's {@code StepLR}): α_t = α_0·γ^⌊t/n⌋, the rate multiplied by γ every n steps.
 *
 * @param alpha0   α_0 &gt; 0, the rate at t = 0
 * @param gamma    γ &gt; 0, the factor applied at every boundary (usually &lt; 1)
 * @param stepSize n &gt; 0, steps between boundaries
 */
public record StepDecay(double alpha0, double gamma, long stepSize) implements Schedule.Encodable {

    public StepDecay {
        Check.positive("alpha0", alpha0);
        Check.positive("gamma", gamma);
        if (stepSize <= 0) {
            throw new IllegalArgumentException("stepSize must be > 0, got " + stepSize);
        }
    }

    @Override
    public double value(long step) {
        Check.step(step);
        return alpha0 * Math.pow(gamma, (double) (step / stepSize));
    }

    @Override
    public String kind() {
        return "step";
    }

    @Override
    public Map<String, Number> parameters() {
        Map<String, Number> m = new LinkedHashMap<>();
        m.put("alpha0", alpha0);
        m.put("gamma", gamma);
        m.put("stepSize", stepSize);
        return m;
    }

    @Override
    public String toString() {
        return Schedules.text(this);
    }
}
