package org.optim4j.schedule;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.optim4j.internal.Check;

/**
 * Multi-step decay (PyTorch's {@code MultiStepLR}): α_t = α_0·γ^k with k the number of milestones ≤ t.
 *
 * @param alpha0     α_0 &gt; 0, the rate at t = 0
 * @param gamma      γ &gt; 0, the factor applied at every milestone
 * @param milestones the steps at which γ is applied, strictly increasing, each &gt; 0 (at least one)
 */
public record MultiStepDecay(double alpha0, double gamma, long[] milestones) implements Schedule.Encodable {

    public MultiStepDecay {
        Check.positive("alpha0", alpha0);
        Check.positive("gamma", gamma);
        Check.notNull("milestones", milestones);
        milestones = milestones.clone();
        if (milestones.length == 0) {
            throw new IllegalArgumentException("milestones must not be empty");
        }
        for (int i = 0; i < milestones.length; i++) {
            if (milestones[i] <= 0 || (i > 0 && milestones[i] <= milestones[i - 1])) {
                throw new IllegalArgumentException("milestones must be > 0 and strictly increasing, got "
                        + Arrays.toString(milestones));
            }
        }
    }

    @Override
    public long[] milestones() {
        return milestones.clone();
    }

    @Override
    public double value(long step) {
        Check.step(step);
        int k = 0;
        while (k < milestones.length && milestones[k] <= step) {
            k++;
        }
        return alpha0 * Math.pow(gamma, k);
    }

    @Override
    public String kind() {
        return "multistep";
    }

    /** alpha0, gamma, then milestone.0, milestone.1, … */
    @Override
    public Map<String, Number> parameters() {
        Map<String, Number> m = new LinkedHashMap<>();
        m.put("alpha0", alpha0);
        m.put("gamma", gamma);
        for (int i = 0; i < milestones.length; i++) {
            m.put("milestone." + i, milestones[i]);
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultiStepDecay d && Double.compare(alpha0, d.alpha0) == 0
                && Double.compare(gamma, d.gamma) == 0 && Arrays.equals(milestones, d.milestones);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(alpha0) * 31 + Double.hashCode(gamma) * 17 + Arrays.hashCode(milestones);
    }

    @Override
    public String toString() {
        return Schedules.text(this);
    }
}
