package org.optim4j.schedule;

import java.util.LinkedHashMap;
import java.util.Map;
import org.optim4j.internal.Check;

/**
 * Polynomial decay (PyTorch's {@code PolynomialLR}, with Optax's end value):
 * α_t = (α_0 − α_end)·(1 − min(t, T)/T)^p + α_end. With α_end = 0 it is PyTorch's {@code PolynomialLR(total_iters=T,
 * power=p)}; from t = T on it is α_end.
 *
 * @param alpha0     α_0 &gt; 0, the rate at t = 0
 * @param alphaEnd   α_end ≥ 0, the rate from t = T on
 * @param totalSteps T &gt; 0
 * @param power      p &gt; 0
 */
public record PolynomialDecay(double alpha0, double alphaEnd, long totalSteps, double power)
        implements Schedule.Encodable {

    public PolynomialDecay {
        Check.positive("alpha0", alpha0);
        Check.nonNegative("alphaEnd", alphaEnd);
        Check.positive("power", power);
        if (totalSteps <= 0) {
            throw new IllegalArgumentException("totalSteps must be > 0, got " + totalSteps);
        }
    }

    @Override
    public double value(long step) {
        Check.step(step);
        double f = Math.pow(1.0 - (double) Math.min(totalSteps, step) / totalSteps, power);
        return alphaEnd == 0 ? alpha0 * f : (alpha0 - alphaEnd) * f + alphaEnd;
    }

    @Override
    public String kind() {
        return "polynomial";
    }

    @Override
    public Map<String, Number> parameters() {
        Map<String, Number> m = new LinkedHashMap<>();
        m.put("alpha0", alpha0);
        m.put("alphaEnd", alphaEnd);
        m.put("totalSteps", totalSteps);
        m.put("power", power);
        return m;
    }

    @Override
    public String toString() {
        return Schedules.text(this);
    }
}
