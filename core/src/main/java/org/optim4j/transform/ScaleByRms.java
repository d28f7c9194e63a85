package org.optim4j.transform;

import java.util.List;
import org.optim4j.schedule.Schedule;

/** RMSProp's scaling: r ← ρ₂·r + (1−ρ₂)·u⊙u; u ← u/(√r + ε), ε outside the square root. */
public record ScaleByRms(Schedule rho2, Schedule epsilon) implements Transform {
    public static final String ID = "scale_by_rms";
    private static final List<String> STATE = List.of("r");
    private static final List<String> SCALARS = List.of("rho2", "epsilon");

    public ScaleByRms {
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
        return u / (Math.sqrt(r) + c[at + 1]);
    }
}
