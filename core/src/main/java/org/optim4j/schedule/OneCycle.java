package org.optim4j.schedule;

import java.util.LinkedHashMap;
import java.util.Map;
import org.optim4j.internal.Check;

/**
 * The one-cycle policy (Smith &amp; Topin 2018; PyTorch's {@code OneCycleLR}), for the learning rate
 * ({@link #rate}) or for the momentum / ρ₁ that cycles against it ({@link #momentum}). With T total steps,
 * p = pctStart, α_init = maxLr/divFactor and α_min = α_init/finalDivFactor, the phases end at the steps
 *
 * <pre>
 *   two phases:   pT − 1 (α_init → maxLr, m_max → m_base),  T − 1 (maxLr → α_min, m_base → m_max)
 *   three phases: pT − 1 (α_init → maxLr, m_max → m_base),  2pT − 2 (maxLr → α_init, m_base → m_max),
 *                 T − 1 (α_init → α_min, m_max → m_max)
 * </pre>
 *
 * and inside a phase from step s to step e the value goes from a to b as b + (a − b)/2·(cos(π·(t−s)/(e−s)) + 1)
 * (anneal 0, cosine) or (b − a)·(t−s)/(e−s) + a (anneal 1, linear), exactly PyTorch's arithmetic. PyTorch refuses
 * steps beyond T; here the value of the last step, t = T − 1, is held from there on.
 */
public record OneCycle(boolean isMomentum, double peak, double base, long totalSteps, double pctStart,
                       double divFactor, double finalDivFactor, boolean threePhase, boolean linear)
        implements Schedule.Encodable {

    public OneCycle {
        if (totalSteps <= 0) {
            throw new IllegalArgumentException("totalSteps must be > 0, got " + totalSteps);
        }
        if (!(pctStart > 0 && pctStart < 1)) {
            throw new IllegalArgumentException("pctStart must be in (0, 1), got " + pctStart);
        }
        if (isMomentum) {
            Check.nonNegative("baseMomentum", base);
            Check.nonNegative("maxMomentum", peak);
        } else {
            Check.positive("maxLr", peak);
            Check.positive("divFactor", divFactor);
            Check.positive("finalDivFactor", finalDivFactor);
        }
    }

    /** PyTorch's {@code OneCycleLR(max_lr, total_steps, pct_start, anneal_strategy, div_factor, final_div_factor, three_phase)}. */
    public static OneCycle rate(double maxLr, long totalSteps, double pctStart, double divFactor, double finalDivFactor,
                                boolean threePhase, boolean linear) {
        return new OneCycle(false, maxLr, Double.NaN, totalSteps, pctStart, divFactor, finalDivFactor, threePhase, linear);
    }

    /** The momentum that {@code OneCycleLR(cycle_momentum=True, base_momentum, max_momentum)} cycles (ρ or ρ₁). */
    public static OneCycle momentum(double baseMomentum, double maxMomentum, long totalSteps, double pctStart,
                                    boolean threePhase, boolean linear) {
        return new OneCycle(true, maxMomentum, baseMomentum, totalSteps, pctStart, Double.NaN, Double.NaN, threePhase,
                linear);
    }

    @Override
    public double value(long step) {
        Check.step(step);
        double t = Math.min(step, totalSteps - 1);
        double initial = peak / divFactor;
        double[] ends;
        double[] from;
        double[] to;
        if (threePhase) {
            ends = new double[] {pctStart * totalSteps - 1, 2 * pctStart * totalSteps - 2, totalSteps - 1};
            from = isMomentum ? new double[] {peak, base, peak} : new double[] {initial, peak, initial};
            to = isMomentum ? new double[] {base, peak, peak} : new double[] {peak, initial, initial / finalDivFactor};
        } else {
            ends = new double[] {pctStart * totalSteps - 1, totalSteps - 1};
            from = isMomentum ? new double[] {peak, base} : new double[] {initial, peak};
            to = isMomentum ? new double[] {base, peak} : new double[] {peak, initial / finalDivFactor};
        }
        double start = 0;
        for (int i = 0; i < ends.length; i++) {
            if (t <= ends[i] || i == ends.length - 1) {
                double pct = (t - start) / (ends[i] - start);
                return linear ? (to[i] - from[i]) * pct + from[i]
                        : to[i] + (from[i] - to[i]) / 2.0 * (Math.cos(Math.PI * pct) + 1);
            }
            start = ends[i];
        }
        throw new AssertionError();
    }

    @Override
    public String kind() {
        return isMomentum ? "onecycle_momentum" : "onecycle";
    }

    @Override
    public Map<String, Number> parameters() {
        Map<String, Number> m = new LinkedHashMap<>();
        if (isMomentum) {
            m.put("baseMomentum", base);
            m.put("maxMomentum", peak);
        } else {
            m.put("maxLr", peak);
        }
        m.put("totalSteps", totalSteps);
        m.put("pctStart", pctStart);
        if (!isMomentum) {
            m.put("divFactor", divFactor);
            m.put("finalDivFactor", finalDivFactor);
        }
        m.put("threePhase", threePhase ? 1L : 0L);
        m.put("linear", linear ? 1L : 0L);
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OneCycle c && parameters().equals(c.parameters()) && isMomentum == c.isMomentum;
    }

    @Override
    public int hashCode() {
        return parameters().hashCode();
    }

    @Override
    public String toString() {
        return Schedules.text(this);
    }
}
