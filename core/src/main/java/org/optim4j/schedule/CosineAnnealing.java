package org.optim4j.schedule;

import java.util.LinkedHashMap;
import java.util.Map;
import org.optim4j.internal.Check;

/**
 * Cosine annealing (PyTorch's {@code CosineAnnealingLR(T_max=T, eta_min=α_min)}):
 * α_t = α_min + (α_max − α_min)·(1 + cos(π·t/T))/2. As in PyTorch the formula continues after T: the rate rises
 * again and has period 2T. To hold α_min after T, join a constant ({@code cosine:…+constant:α_min@T}); for restarts
 * see {@link CosineWarmRestarts}.
 *
 * @param alphaMax α_max &gt; 0, the rate at t = 0
 * @param alphaMin α_min ≥ 0, the rate at t = T
 * @param period   T &gt; 0
 */
public record CosineAnnealing(double alphaMax, double alphaMin, long period) implements Schedule.Encodable {

    public CosineAnnealing {
        Check.positive("alphaMax", alphaMax);
        Check.nonNegative("alphaMin", alphaMin);
        if (period <= 0) {
            throw new IllegalArgumentException("period must be > 0, got " + period);
        }
    }

    @Override
    public double value(long step) {
        Check.step(step);
        return alphaMin + (alphaMax - alphaMin) * (1 + Math.cos(Math.PI * step / period)) / 2;
    }

    @Override
    public String kind() {
        return "cosine";
    }

    @Override
    public Map<String, Number> parameters() {
        Map<String, Number> m = new LinkedHashMap<>();
        m.put("alphaMax", alphaMax);
        m.put("alphaMin", alphaMin);
        m.put("period", period);
        return m;
    }

    @Override
    public String toString() {
        return Schedules.text(this);
    }
}
