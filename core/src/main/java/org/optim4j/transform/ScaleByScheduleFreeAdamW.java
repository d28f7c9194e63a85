package org.optim4j.transform;

import java.util.List;
import java.util.Objects;
import org.optim4j.schedule.Schedule;

/**
 * Schedule-free AdamW (Defazio et al. 2024) exactly as {@code schedulefree.AdamWScheduleFree.step} (the
 * facebookresearch/schedule_free package, single-tensor path). The parameters buffer holds y, the point where the
 * gradient is taken; z is state; the evaluation point x is not stored (see {@link #evaluationPoint}). At step k = t:
 * <pre>
 *   host:  sched = (k+1)/warmup_steps if k &lt; warmup_steps else 1
 *          lr = α·sched·√(1 − ρ₂^(k+1));   lr_max = max(lr, lr_max)            (lr_max starts at −1)
 *          weight = (k+1)^r · lr_max^weight_lr_power;   weight_sum += weight;   c = weight/weight_sum (0 if 0/0)
 *   elements:  v ← ρ₂·v + (1−ρ₂)·g²;   ĝ = g/(√v + ε) + λ·y
 *              y ← lerp(y, z, c) + lr·(ρ₁·(1−c) − 1)·ĝ;   z ← z − lr·ĝ           (z = y before the first step)
 * </pre>
 * lr_max and weight_sum depend on every step before: the host runs them forward in step order from k = 0 and
 * remembers where it stopped, so consecutive steps cost O(1) and a resumed run recomputes them once (they are a
 * function of t and the hyper-parameters, so a checkpoint's step count restores them exactly).
 * Scalars: lr, c, ρ₁, ρ₂, ε, λ, first (1 at k = 0).
 */
public final class ScaleByScheduleFreeAdamW implements Transform, EvaluationPoint {
    public static final String ID = "scale_by_schedule_free_adamw";
    /** schedulefree's warmup_steps: a linear warm-up of lr over this many steps (0: none). */
    public static final Param WARMUP_STEPS = new Param("warmup_steps", List.of(), 0, Param.Range.NON_NEGATIVE,
            "linear warm-up of the learning rate over this many steps (schedulefree's warmup_steps)");
    /** schedulefree's r: polynomial weighting (k+1)^r of the average. */
    public static final Param R = new Param("r", List.of(), 0, Param.Range.NON_NEGATIVE,
            "power r of the polynomial weighting (k+1)^r in the average");
    /** schedulefree's weight_lr_power: the average's weights are lr_max to this power. */
    public static final Param WEIGHT_LR_POWER = new Param("weight_lr_power", List.of(), 2, Param.Range.NON_NEGATIVE,
            "the average's weights are lr_max to this power (schedulefree's weight_lr_power)");
    private static final List<String> STATE = List.of("z", "r");
    private static final List<String> SCALARS = List.of("lr", "ckp1", "rho1", "rho2", "epsilon", "weight_decay",
            "first");

    private final Schedule learningRate;
    private final Schedule rho1;
    private final Schedule rho2;
    private final Schedule epsilon;
    private final Schedule weightDecay;
    private final Schedule warmupSteps;
    private final Schedule r;
    private final Schedule weightLrPower;
    /** lr_max and weight_sum after steps [0, k): replaced whole, so a reader sees a consistent triple. */
    private volatile Memo memo = new Memo(0, -1.0, 0.0);

    private record Memo(long k, double lrMax, double weightSum) {
    }

    public ScaleByScheduleFreeAdamW(Schedule learningRate, Schedule rho1, Schedule rho2, Schedule epsilon,
                                    Schedule weightDecay, Schedule warmupSteps, Schedule r, Schedule weightLrPower) {
        this.learningRate = Params.scheduled(Params.LEARNING_RATE, learningRate);
        this.rho1 = Params.scheduled(Params.RHO1, rho1);
        this.rho2 = Params.scheduled(Params.RHO2, rho2);
        this.epsilon = Params.scheduled(Params.EPSILON, epsilon);
        this.weightDecay = Params.scheduled(Params.WEIGHT_DECAY, weightDecay);
        this.warmupSteps = Params.scheduled(WARMUP_STEPS, warmupSteps);
        this.r = Params.scheduled(R, r);
        this.weightLrPower = Params.scheduled(WEIGHT_LR_POWER, weightLrPower);
    }

    public Schedule learningRate() {
        return learningRate;
    }

    /** The same transform with another learning-rate schedule. */
    public ScaleByScheduleFreeAdamW withLearningRate(Schedule lr) {
        return new ScaleByScheduleFreeAdamW(lr, rho1, rho2, epsilon, weightDecay, warmupSteps, r, weightLrPower);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<Binding> hyperParameters() {
        return List.of(new Binding(Params.LEARNING_RATE, learningRate), new Binding(Params.RHO1, rho1),
                new Binding(Params.RHO2, rho2), new Binding(Params.EPSILON, epsilon),
                new Binding(Params.WEIGHT_DECAY, weightDecay), new Binding(WARMUP_STEPS, warmupSteps),
                new Binding(R, r), new Binding(WEIGHT_LR_POWER, weightLrPower));
    }

    @Override
    public List<String> stateNames() {
        return STATE;
    }

    @Override
    public List<String> scalarNames() {
        return SCALARS;
    }

    /** lr of step k (schedulefree's arithmetic). */
    private double lr(long k) {
        double warmup = Params.at(WARMUP_STEPS, warmupSteps, k);
        double sched = k < warmup ? (k + 1) / warmup : 1.0;
        double biasCorrection2 = 1 - Math.pow(Params.at(Params.RHO2, rho2, k), k + 1);
        return Params.at(Params.LEARNING_RATE, learningRate, k) * sched * Math.sqrt(biasCorrection2);
    }

    @Override
    public void scalars(long t, double[] out, int at) {
        Memo m = memo;
        if (m.k() > t) {
            m = new Memo(0, -1.0, 0.0);
        }
        double lrMax = m.lrMax();
        double weightSum = m.weightSum();
        double lr = 0, weight = 0;
        for (long k = m.k(); k <= t; k++) {
            if (k == t) {
                memo = new Memo(t, lrMax, weightSum); // a repeated step t (a skipped or refused one) costs O(1)
            }
            lr = lr(k);
            lrMax = Math.max(lr, lrMax);
            weight = Math.pow(k + 1, Params.at(R, r, k)) * Math.pow(lrMax, Params.at(WEIGHT_LR_POWER, weightLrPower, k));
            weightSum = weightSum + weight;
        }
        out[at] = lr;
        out[at + 1] = weightSum == 0 ? 0 : weight / weightSum;
        out[at + 2] = Params.at(Params.RHO1, rho1, t);
        out[at + 3] = Params.at(Params.RHO2, rho2, t);
        out[at + 4] = Params.at(Params.EPSILON, epsilon, t);
        out[at + 5] = Params.at(Params.WEIGHT_DECAY, weightDecay, t);
        out[at + 6] = t == 0 ? 1 : 0;
    }

    /** torch.lerp: start + w·(end − start) for w &lt; 0.5, else end − (end − start)·(1 − w). */
    static double lerp(double start, double end, double w) {
        return w < 0.5 ? start + w * (end - start) : end - (end - start) * (1 - w);
    }

    @Override
    public double reference(double g, double y, StateAccess state, double[] c, int at) {
        double lr = c[at], ckp1 = c[at + 1], rho1 = c[at + 2], rho2 = c[at + 3], decay = c[at + 5];
        double v = state.set(1, state.get(1) * rho2 + (1 - rho2) * g * g);
        double denom = Math.sqrt(v) + c[at + 4];
        double gn = g / denom;
        if (decay != 0) {
            gn = gn + decay * y;
        }
        double z = c[at + 6] != 0 ? y : state.get(0);
        double yNew = lerp(y, z, ckp1) + lr * (rho1 * (1 - ckp1) - 1) * gn;
        state.set(0, z - lr * gn);
        return yNew - y;
    }

    /** schedulefree's eval(): x = lerp(y, z, 1 − 1/ρ₁). */
    @Override
    public double evaluationPoint(double y, StateAccess state, double[] c, int at) {
        return lerp(y, state.get(0), 1 - 1 / c[at + 2]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScaleByScheduleFreeAdamW s && learningRate.equals(s.learningRate) && rho1.equals(s.rho1)
                && rho2.equals(s.rho2) && epsilon.equals(s.epsilon) && weightDecay.equals(s.weightDecay)
                && warmupSteps.equals(s.warmupSteps) && r.equals(s.r) && weightLrPower.equals(s.weightLrPower);
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, rho1, rho2, epsilon, weightDecay, warmupSteps, r, weightLrPower);
    }

    @Override
    public String toString() {
        return "ScaleByScheduleFreeAdamW[learningRate=" + learningRate + ", rho1=" + rho1 + ", rho2=" + rho2
                + ", epsilon=" + epsilon + ", weightDecay=" + weightDecay + ", warmupSteps=" + warmupSteps + ", r=" + r
                + ", weightLrPower=" + weightLrPower + "]";
    }
}
