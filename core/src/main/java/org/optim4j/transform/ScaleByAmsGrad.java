package org.optim4j.transform;

import java.util.List;
import org.optim4j.schedule.Schedule;

/**
 * AMSGrad's scaling (Reddi et al. 2018) as PyTorch 1.13's {@code torch.optim.Adam(amsgrad=True)}: Adam's moments,
 * plus the running maximum of the <em>uncorrected</em> second moment, divided by the bias correction afterwards:
 * s ← ρ₁·s + (1−ρ₁)·u; r ← ρ₂·r + (1−ρ₂)·u⊙u; r_max ← max(r_max, r); u ← (s/bc₁)/(√r_max/√bc₂ + ε).
 * Scalars as {@link ScaleByAdam}: ρ₁, ρ₂, ε, bc₁ = 1−ρ₁^(t+1), bc₂ = 1−ρ₂^(t+1).
 */
public record ScaleByAmsGrad(Schedule rho1, Schedule rho2, Schedule epsilon) implements AdamMoments {
    public static final String ID = "scale_by_amsgrad";
    private static final List<String> STATE = List.of("s", "r", "r_max");

    public ScaleByAmsGrad {
        AdamMoments.check(rho1, rho2, epsilon);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<String> stateNames() {
        return STATE;
    }

    @Override
    public double reference(double u, double theta, StateAccess state, double[] c, int at) {
        double rho1 = c[at], rho2 = c[at + 1];
        double s = state.set(0, rho1 * state.get(0) + (1 - rho1) * u);
        double r = state.set(1, rho2 * state.get(1) + (1 - rho2) * u * u);
        double rMax = state.set(2, Math.max(state.get(2), r));
        return (s / c[at + 3]) / (Math.sqrt(rMax) / Math.sqrt(c[at + 4]) + c[at + 2]);
    }
}
