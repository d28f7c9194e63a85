package org.optim4j.transform;

import java.util.List;
import org.optim4j.schedule.Schedule;

/**
 * Centered RMSProp's scaling (Graves 2013) as PyTorch 1.13's {@code torch.optim.RMSprop(centered=True)}, ε
 * outside the square root: r ← ρ₂·r + (1−ρ₂)·u⊙u; m ← ρ₂·m + (1−ρ₂)·u; u ← u/(√(r − m⊙m) + ε).
 * Scalars: ρ₂, ε.
 */
public record ScaleByCenteredRms(Schedule rho2, Schedule epsilon) implements Transform {
    public static final String ID = "scale_by_centered_rms";
    private static final List<String> STATE = List.of("r", "m");
    private static final List<String> SCALARS = List.of("rho2", "epsilon");

    public ScaleByCenteredRms {
        Params.scheduled(Params.RHO2, rho2);
        Params.scheduled(Params.EPSILON, epsilon);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<Binding> hyperParameters() {
        return List.of(new Binding(Params.RHO2, rho2), new Binding(Params.EPSILON, epsilon));
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
        out[at] = Params.at(Params.RHO2, rho2, t);
        out[at + 1] = Params.at(Params.EPSILON, epsilon, t);
    }

    @Override
    public double reference(double u, double theta, StateAccess state, double[] c, int at) {
        double rho2 = c[at];
        double r = state.set(0, rho2 * state.get(0) + (1 - rho2) * u * u);
        double m = state.set(1, rho2 * state.get(1) + (1 - rho2) * u);
        return u / (Math.sqrt(r - m * m) + c[at + 1]);
    }
}
