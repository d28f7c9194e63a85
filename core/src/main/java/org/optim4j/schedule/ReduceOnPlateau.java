package org.optim4j.schedule;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.optim4j.internal.Check;

/**
 * Reduce-on-plateau (PyTorch's {@code ReduceLROnPlateau}): a learning rate that the training loop lowers by feeding
 * it a metric ({@link #observe(double)}, once per evaluation, e.g. per epoch with the validation loss). It is the
 * one schedule with state: {@link #value(long)} is the current rate whatever the step; the optimizer reads it at
 * every step, so a reduction applies from the next step on.
 *
 * <p>Semantics, exactly PyTorch 1.13's: with {@code best} the best metric so far (+∞ for mode min, −∞ for max), an
 * observation is better when it is below {@code best·(1 − threshold)} (min, rel), below {@code best − threshold}
 * (min, abs), above {@code best·(1 + threshold)} (max, rel) or above {@code best + threshold} (max, abs). A better
 * observation becomes {@code best} and clears the bad count, any other adds one; during cooldown the bad count is
 * cleared and the cooldown counts down; when the bad count exceeds {@code patience}, α ← max(α·factor, minLr)
 * (only if that lowers α by more than {@code eps}) and the cooldown starts.
 *
 * <p>Checkpoints: its configuration <em>and</em> its state (current rate, best, bad count, cooldown counter, number
 * of observations) are its schedule parameters ({@link #parameters()}), so a checkpoint of an optimizer that uses it
 * stores it with the rule and gives it back, state included; after a restore take the instance from the restored
 * rule ({@link #of(Schedule)}) and keep feeding that one. Text form (command line):
 * {@code plateau:α0[,factor,patience,threshold,cooldown,minLr,mode,thresholdMode,eps]} with PyTorch's defaults
 * (0.1, 10, 1e-4, 0, 0, 0 = min / 1 = max, 0 = rel / 1 = abs, 1e-8).
 *
 * <p>Unlike every other schedule it is mutable: equality compares configuration and state at that moment, and one
 * instance must not be shared between optimizers that observe different metrics. Not thread-safe: observe between
 * steps, from the thread that steps.
 */
public final class ReduceOnPlateau implements Schedule.Encodable {
    private final double initialLr;
    private final double factor;
    private final long patience;
    private final double threshold;
    private final long cooldown;
    private final double minLr;
    private final boolean max;
    private final boolean absolute;
    private final double eps;
    private double lr;
    private double best;
    private long badCount;
    private long cooldownCounter;
    private long observations;

    /** With PyTorch's defaults: mode min, factor 0.1, patience 10, threshold 1e-4 rel, cooldown 0, minLr 0, eps 1e-8. */
    public ReduceOnPlateau(double initialLr) {
        this(initialLr, 0.1, 10, 1e-4, 0, 0, false, false, 1e-8);
    }

    /**
     * @param initialLr α_0 &gt; 0
     * @param factor    in (0, 1)
     * @param patience  ≥ 0 observations without improvement tolerated
     * @param threshold ≥ 0
     * @param cooldown  ≥ 0 observations after a reduction during which bad ones are not counted
     * @param minLr     ≥ 0, the lowest rate
     * @param max       mode max (a larger metric is better) instead of min
     * @param absolute  threshold mode abs instead of rel
     * @param eps       ≥ 0, the smallest reduction applied
     */
    public ReduceOnPlateau(double initialLr, double factor, long patience, double threshold, long cooldown, double minLr,
                           boolean max, boolean absolute, double eps) {
        this.initialLr = Check.positive("initialLr", initialLr);
        if (!(factor > 0 && factor < 1)) {
            throw new IllegalArgumentException("factor must be in (0, 1), got " + factor);
        }
        if (patience < 0 || cooldown < 0) {
            throw new IllegalArgumentException("patience and cooldown must be >= 0, got " + patience + ", " + cooldown);
        }
        this.factor = factor;
        this.patience = patience;
        this.threshold = Check.nonNegative("threshold", threshold);
        this.cooldown = cooldown;
        this.minLr = Check.nonNegative("minLr", minLr);
        this.max = max;
        this.absolute = absolute;
        this.eps = Check.nonNegative("eps", eps);
        this.lr = initialLr;
        this.best = max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    /**
     * The plateau schedule that a rule's learning rate is: {@code ReduceOnPlateau.of(rule.learningRate())}, e.g. of
     * the rule a checkpoint gives back.
     *
     * @throws IllegalArgumentException if it is another schedule
     */
    public static ReduceOnPlateau of(Schedule learningRate) {
        if (learningRate instanceof ReduceOnPlateau p) {
            return p;
        }
        throw new IllegalArgumentException("the learning rate " + learningRate + " is not a plateau schedule");
    }

    /**
     * Feeds one value of the metric (ReduceLROnPlateau.step(metric)).
     *
     * @return true if the rate was reduced by this observation
     * @throws IllegalArgumentException if the metric is NaN (nothing is changed then)
     */
    public boolean observe(double metric) {
        if (Double.isNaN(metric)) {
            throw new IllegalArgumentException("plateau metric must not be NaN");
        }
        observations++;
        if (better(metric)) {
            best = metric;
            badCount = 0;
        } else {
            badCount++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            badCount = 0;
        }
        boolean reduced = false;
        if (badCount > patience) {
            double next = Math.max(lr * factor, minLr);
            if (lr - next > eps) {
                lr = next;
                reduced = true;
            }
            cooldownCounter = cooldown;
            badCount = 0;
        }
        return reduced;
    }

    private boolean better(double a) {
        if (!max) {
            return absolute ? a < best - threshold : a < best * (1. - threshold);
        }
        return absolute ? a > best + threshold : a > best * (threshold + 1.);
    }

    /** The current rate, whatever the step. */
    @Override
    public double value(long step) {
        Check.step(step);
        return lr;
    }

    /** The current rate. */
    public double rate() {
        return lr;
    }

    /** The best metric so far (±∞ before the first observation). */
    public double best() {
        return best;
    }

    /** Observations fed so far. */
    public long observations() {
        return observations;
    }

    @Override
    public String kind() {
        return "plateau";
    }

    /** The configuration, then the state: lr, best, badCount, cooldownCounter, observations. */
    @Override
    public Map<String, Number> parameters() {
        Map<String, Number> m = new LinkedHashMap<>();
        m.put("initialLr", initialLr);
        m.put("factor", factor);
        m.put("patience", patience);
        m.put("threshold", threshold);
        m.put("cooldown", cooldown);
        m.put("minLr", minLr);
        m.put("mode", max ? 1L : 0L);
        m.put("thresholdMode", absolute ? 1L : 0L);
        m.put("eps", eps);
        m.put("lr", lr);
        m.put("best", best);
        m.put("badCount", badCount);
        m.put("cooldownCounter", cooldownCounter);
        m.put("observations", observations);
        return m;
    }

    /** The same configuration with this state (the checkpoint decoder; NaN lr or best means "initial"). */
    ReduceOnPlateau withState(double lr, double best, long badCount, long cooldownCounter, long observations) {
        if (badCount < 0 || cooldownCounter < 0 || observations < 0) {
            throw new IllegalArgumentException("plateau counters must be >= 0, got " + badCount + ", "
                    + cooldownCounter + ", " + observations);
        }
        if (!Double.isNaN(lr)) {
            Check.nonNegative("lr", lr);
            this.lr = lr;
        }
        if (!Double.isNaN(best)) {
            this.best = best;
        }
        this.badCount = badCount;
        this.cooldownCounter = cooldownCounter;
        this.observations = observations;
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReduceOnPlateau p && parameters().equals(p.parameters());
    }

    @Override
    public int hashCode() {
        return Objects.hash(initialLr, factor, patience, threshold, cooldown, minLr, max, absolute, eps);
    }

    @Override
    public String toString() {
        return Schedules.text(this);
    }
}
