package org.optim4j.schedule;

import java.util.LinkedHashMap;
import java.util.Map;
import org.optim4j.internal.Check;

/**
 * Cosine annealing with warm restarts (SGDR; PyTorch's {@code CosineAnnealingWarmRestarts(T_0, T_mult, eta_min)}):
 * the cycles have lengths T_i = T_0·m^i; inside a cycle, at position c ∈ [0, T_i),
 * α_t = α_min + (α_max − α_min)·(1 + cos(π·c/T_i))/2, and the rate jumps back to α_max at every restart.
 *
 * @param alphaMax α_max &gt; 0, the rate at the start of each cycle
 * @param alphaMin α_min ≥ 0
 * @param t0       T_0 &gt; 0, the first cycle's length
 * @param tMult    m ≥ 1, the factor by which each cycle is longer than the one before
 */
public record CosineWarmRestarts(double alphaMax, double alphaMin, long t0, long tMult) implements Schedule.Encodable {

    public CosineWarmRestarts {
        Check.positive("alphaMax", alphaMax);
        Check.nonNegative("alphaMin", alphaMin);
        if (t0 <= 0 || tMult < 1) {
            throw new IllegalArgumentException("t0 must be > 0 and tMult >= 1, got t0 " + t0 + ", tMult " + tMult);
        }
    }

    @Override
    public double value(long step) {
        Check.step(step);
        long cycle = t0;
        long c = step;
        if (tMult == 1) {
            c = step % t0;
        } else {
            while (c >= cycle) {
                c -= cycle;
                if (cycle > Long.MAX_VALUE / tMult) {
                    break; // no later restart is reachable by a long step
                }
                cycle *= tMult;
            }
        }
        return alphaMin + (alphaMax - alphaMin) * (1 + Math.cos(Math.PI * c / cycle)) / 2;
    }

    @Override
    public String kind() {
        return "cosine_restarts";
    }

    @Override
    public Map<String, Number> parameters() {
        Map<String, Number> m = new LinkedHashMap<>();
        m.put("alphaMax", alphaMax);
        m.put("alphaMin", alphaMin);
        m.put("t0", t0);
        m.put("tMult", tMult);
        return m;
    }

    @Override
    public String toString() {
        return Schedules.text(this);
    }
}
