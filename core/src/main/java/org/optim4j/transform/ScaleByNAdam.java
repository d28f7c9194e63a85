package org.optim4j.transform;

import java.util.List;
import java.util.Objects;
import org.optim4j.schedule.Schedule;

/**
 * NAdam's scaling (Dozat 2016) exactly as PyTorch 1.13's {@code torch.optim.NAdam}. At step k = t+1, with the
 * momentum schedule μ_k = ρ₁·(1 − ½·0.96^(k·ψ)) and Π_k = μ_1·…·μ_k:
 * <pre>
 *   s ← ρ₁·s + (1−ρ₁)·u;  r ← ρ₂·r + (1−ρ₂)·u⊙u;  d = √(r/bc₂) + ε
 *   u ← c_g·u/d + c_s·s/d,   c_g = (1−μ_k)/(1−Π_k),   c_s = μ_{k+1}/(1−Π'_{k+1})
 * </pre>
 * PyTorch 1.13 keeps Π in a float32 tensor ({@code torch.tensor(1.)}) whatever the parameters' dtype, and
 * computes Π'_{k+1} = Π_k·μ_k·μ_{k+1} (μ_k counted twice; PyTorch 2.0 changed it to Π_k·μ_{k+1}); both are
 * reproduced here, in float32, so that float64 trajectories match 1.13 to 1e-12.
 *
 * <p>The product is a function of t and the hyper-parameters only: the host computes it in step order from
 * k = 1 and remembers the last one, so consecutive steps cost O(1) and a resumed run recomputes it once.
 * Scalars: ρ₁, ρ₂, ε, bc₂ = 1−ρ₂^(t+1), c_g, c_s.
 */
public final class ScaleByNAdam implements Transform {
    public static final String ID = "scale_by_nadam";
    /** ψ, PyTorch's {@code momentum_decay}. */
    public static final Param MOMENTUM_DECAY = new Param("momentum_decay", List.of("psi"), 0.004,
            Param.Range.NON_NEGATIVE, "NAdam's momentum decay ψ: μ_t = ρ₁·(1 − ½·0.96^(t·ψ))");
    private static final List<String> STATE = List.of("s", "r");
    private static final List<String> SCALARS = List.of("rho1", "rho2", "epsilon", "bc2", "c_g", "c_s");

    private final Schedule rho1;
    private final Schedule rho2;
    private final Schedule epsilon;
    private final Schedule momentumDecay;
    /** The last product computed: {k, Π_k as float bits}; replaced whole, so readers see a consistent pair. */
    private volatile long[] memo = {0, Float.floatToIntBits(1f)};

    public ScaleByNAdam(Schedule rho1, Schedule rho2, Schedule epsilon, Schedule momentumDecay) {
        this.rho1 = Params.scheduled(Params.RHO1, rho1);
        this.rho2 = Params.scheduled(Params.RHO2, rho2);
        this.epsilon = Params.scheduled(Params.EPSILON, epsilon);
        this.momentumDecay = Params.scheduled(MOMENTUM_DECAY, momentumDecay);
    }

    public Schedule rho1() {
        return rho1;
    }

    public Schedule rho2() {
        return rho2;
    }

    public Schedule epsilon() {
        return epsilon;
    }

    public Schedule momentumDecay() {
        return momentumDecay;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<Binding> hyperParameters() {
        return List.of(new Binding(Params.RHO1, rho1), new Binding(Params.RHO2, rho2),
                new Binding(Params.EPSILON, epsilon), new Binding(MOMENTUM_DECAY, momentumDecay));
    }

    @Override
    public List<String> stateNames() {
        return STATE;
    }

    @Override
    public List<String> scalarNames() {
        return SCALARS;
    }

    /** μ_k of step index {@code t} (k = t+1), PyTorch's arithmetic in double. */
    private double mu(long t) {
        double k = t + 1;
        return Params.at(Params.RHO1, rho1, t)
                * (1. - 0.5 * StrictMath.pow(0.96, k * Params.at(MOMENTUM_DECAY, momentumDecay, t)));
    }

    /** Π_k for k = t+1 in float32, multiplied in step order (PyTorch's {@code mu_product *= mu}). */
    private float product(long t) {
        long k = t + 1;
        long[] m = memo;
        long from = m[0];
        float p = Float.intBitsToFloat((int) m[1]);
        if (from > k) {
            from = 0;
            p = 1f;
        }
        for (long j = from; j < k; j++) {
            p = p * (float) mu(j);
        }
        memo = new long[] {k, Float.floatToIntBits(p)};
        return p;
    }

    @Override
    public void scalars(long t, double[] out, int at) {
        double r2 = Params.at(Params.RHO2, rho2, t);
        double mu = mu(t);
        double muNext = mu(t + 1);
        float product = product(t);
        float productNext = product * (float) mu * (float) muNext;
        out[at] = Params.at(Params.RHO1, rho1, t);
        out[at + 1] = r2;
        out[at + 2] = Params.at(Params.EPSILON, epsilon, t);
        out[at + 3] = 1 - Math.pow(r2, t + 1);
        out[at + 4] = (1. - mu) / (1. - product);
        out[at + 5] = muNext / (1. - productNext);
    }

    @Override
    public double reference(double u, double theta, StateAccess state, double[] c, int at) {
        double rho1 = c[at], rho2 = c[at + 1];
        double s = state.set(0, rho1 * state.get(0) + (1 - rho1) * u);
        double r = state.set(1, rho2 * state.get(1) + (1 - rho2) * u * u);
        double d = Math.sqrt(r / c[at + 3]) + c[at + 2];
        return c[at + 4] * u / d + c[at + 5] * s / d;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScaleByNAdam n && rho1.equals(n.rho1) && rho2.equals(n.rho2) && epsilon.equals(n.epsilon)
                && momentumDecay.equals(n.momentumDecay);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rho1, rho2, epsilon, momentumDecay);
    }

    @Override
    public String toString() {
        return "ScaleByNAdam[rho1=" + rho1 + ", rho2=" + rho2 + ", epsilon=" + epsilon + ", momentumDecay="
                + momentumDecay + "]";
    }
}
