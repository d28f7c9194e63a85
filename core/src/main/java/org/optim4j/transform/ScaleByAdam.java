package org.optim4j.transform;

import java.util.List;
import org.optim4j.schedule.Schedule;

/**
 * Adam's scaling (Kingma &amp; Ba 2015), ε outside the square root and added after bias correction:
 * s ← ρ₁·s + (1−ρ₁)·u; r ← ρ₂·r + (1−ρ₂)·u⊙u; u ← ŝ/(√r̂ + ε) with ŝ = s/(1−ρ₁^(t+1)), r̂ = r/(1−ρ₂^(t+1)).
 * Scalars: ρ₁, ρ₂, ε, bc₁ = 1−ρ₁^(t+1), bc₂ = 1−ρ₂^(t+1).
 */
public record ScaleByAdam(Schedule rho1, Schedule rho2, Schedule epsilon) implements AdamMoments {
    public static final String ID = "scale_by_adam";
    private static final List<String> STATE = List.of("s", "r");

    public ScaleByAdam {
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
        double sHat = s / c[at + 3];
        double rHat = r / c[at + 4];
        return sHat / (Math.sqrt(rHat) + c[at + 2]);
    }
}
