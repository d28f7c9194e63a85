package org.optim4j.transform;

import java.util.List;
import org.optim4j.schedule.Schedule;

/**
 * Lion's scaling (Chen et al. 2023, Algorithm 2; Optax's {@code scale_by_lion}): the sign of an interpolation
 * of the momentum and the update, and a momentum with its own decay:
 * u ← sign((1−ρ₁)·u + ρ₁·s); s ← ρ₂·s + (1−ρ₂)·u (the incoming u). sign(0) = 0. Scalars: ρ₁, ρ₂.
 */
public record ScaleByLion(Schedule rho1, Schedule rho2) implements Transform {
    public static final String ID = "scale_by_lion";
    private static final List<String> STATE = List.of("s");
    private static final List<String> SCALARS = List.of("rho1", "rho2");

    public ScaleByLion {
        Params.scheduled(Params.RHO1, rho1);
        Params.scheduled(Params.RHO2, rho2);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<Binding> hyperParameters() {
        return List.of(new Binding(Params.RHO1, rho1), new Binding(Params.RHO2, rho2));
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
        out[at] = Params.at(Params.RHO1, rho1, t);
        out[at + 1] = Params.at(Params.RHO2, rho2, t);
    }

    @Override
    public double reference(double u, double theta, StateAccess state, double[] c, int at) {
        double rho1 = c[at], rho2 = c[at + 1];
        double s = state.get(0);
        double direction = Math.signum((1 - rho1) * u + rho1 * s);
        state.set(0, rho2 * s + (1 - rho2) * u);
        return direction;
    }
}
