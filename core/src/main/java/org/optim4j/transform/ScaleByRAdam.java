package org.optim4j.transform;

import java.util.List;
import org.optim4j.schedule.Schedule;

/**
 * RAdam's scaling (Liu et al. 2020) as PyTorch 1.13's {@code torch.optim.RAdam}. With ρ_∞ = 2/(1−ρ₂) − 1 and,
 * at step k = t+1, ρ_k = ρ_∞ − 2k·ρ₂^k/(1−ρ₂^k), the host decides the branch once per step:
 * <pre>
 *   s ← ρ₁·s + (1−ρ₁)·u;  r ← ρ₂·r + (1−ρ₂)·u⊙u;  ŝ = s/bc₁
 *   ρ_k &gt; 5:  u ← ŝ·rect·√bc₂/(√r + ε),  rect = √((ρ_k−4)(ρ_k−2)ρ_∞ / ((ρ_∞−4)(ρ_∞−2)ρ_k))
 *   else:     u ← ŝ                       (an un-adapted momentum step)
 * </pre>
 * ε is added to the <em>uncorrected</em> √r, as PyTorch does. Scalars: ρ₁, ρ₂, ε, bc₁, √bc₂, rect (0 tells the
 * kernel to take the un-rectified branch; rect &gt; 0 whenever ρ_k &gt; 5).
 */
public record ScaleByRAdam(Schedule rho1, Schedule rho2, Schedule epsilon) implements Transform {
    public static final String ID = "scale_by_radam";
    private static final List<String> STATE = List.of("s", "r");
    private static final List<String> SCALARS = List.of("rho1", "rho2", "epsilon", "bc1", "sqrt_bc2", "rect");

    public ScaleByRAdam {
        Params.scheduled(Params.RHO1, rho1);
        Params.scheduled(Params.RHO2, rho2);
        Params.scheduled(Params.EPSILON, epsilon);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<Binding> hyperParameters() {
        return List.of(new Binding(Params.RHO1, rho1), new Binding(Params.RHO2, rho2),
                new Binding(Params.EPSILON, epsilon));
    }

    @Override
    public List<String> stateNames() {
        return STATE;
    }

    @Override
    public List<String> scalarNames() {
        return SCALARS;
    }

    @Override
    public void scalars(long t, double[] out, int at) {
        double r1 = Params.at(Params.RHO1, rho1, t);
        double r2 = Params.at(Params.RHO2, rho2, t);
        double k = t + 1;
        double bc2 = 1 - Math.pow(r2, k);
        out[at] = r1;
        out[at + 1] = r2;
        out[at + 2] = Params.at(Params.EPSILON, epsilon, t);
        out[at + 3] = 1 - Math.pow(r1, k);
        out[at + 4] = Math.sqrt(bc2);
        out[at + 5] = rectification(r2, k, bc2);
    }

    /** √((ρ_k−4)(ρ_k−2)ρ_∞ / ((ρ_∞−4)(ρ_∞−2)ρ_k)) when ρ_k &gt; 5, else 0 (PyTorch's test and arithmetic). */
    static double rectification(double rho2, double k, double bc2) {
        double rhoInf = 2 / (1 - rho2) - 1;
        double rhoK = rhoInf - 2 * k * Math.pow(rho2, k) / bc2;
        if (!(rhoK > 5.)) {
            return 0;
        }
        return Math.sqrt((rhoK - 4) * (rhoK - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoK));
    }

    @Override
    public double reference(double u, double theta, StateAccess state, double[] c, int at) {
        double rho1 = c[at], rho2 = c[at + 1];
        double s = state.set(0, rho1 * state.get(0) + (1 - rho1) * u);
        double r = state.set(1, rho2 * state.get(1) + (1 - rho2) * u * u);
        double sHat = s / c[at + 3];
        double rect = c[at + 5];
        return rect > 0 ? sHat * (c[at + 4] / (Math.sqrt(r) + c[at + 2])) * rect : sHat;
    }
}
