package org.optim4j.schedule;

import java.util.LinkedHashMap;
import java.util.Map;
import org.optim4j.internal.Check;

/**
 * Linear warm-up (PyTorch's {@code LinearLR(start_factor=α_start/α_peak, end_factor=1, total_iters=W)} on the base
 * rate α_peak): α_t = α_start + (α_peak − α_start)·min(t, W)/W, then α_peak. Usually the first part of a
 * {@link Join} ({@code warmup:…+cosine:…@W}).
 *
 * @param alphaStart  α_start ≥ 0, the rate at t = 0
 * @param alphaPeak   α_peak &gt; 0, the rate from t = W on
 * @param warmupSteps W &gt; 0
 */
public record LinearWarmup(double alphaStart, double alphaPeak, long warmupSteps) implements Schedule.Encodable {

    public LinearWarmup {
        Check.nonNegative("alphaStart", alphaStart);
        Check.positive("alphaPeak", alphaPeak);
        if (warmupSteps <= 0) {
            throw new IllegalArgumentException("warmupSteps must be > 0, got " + warmupSteps);
        }
    }

    @Override
    public double value(long step) {
        Check.step(step);
        return alphaStart + (alphaPeak - alphaStart) * Math.min(step, warmupSteps) / warmupSteps;
    }

    @Override
    public String kind() {
        return "warmup";
    }

    @Override
    public Map<String, Number> parameters() {
        Map<String, Number> m = new LinkedHashMap<>();
        m.put("alphaStart", alphaStart);
        m.put("alphaPeak", alphaPeak);
        m.put("warmupSteps", warmupSteps);
        return m;
    }

    @Override
    public String toString() {
        return Schedules.text(this);
    }
}
