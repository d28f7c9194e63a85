package org.optim4j.transform;

import java.util.List;
import org.optim4j.schedule.Schedule;

/**
 * AdaMax's scaling (Kingma &amp; Ba 2015, §7.1) as PyTorch 1.13's {@code torch.optim.Adamax} and Optax's
 * {@code scale_by_adamax}, with ε inside the maximum:
 * s ← ρ₁·s + (1−ρ₁)·u; v ← max(ρ₂·v, |u| + ε); u ← (s/bc₁)/v. Scalars: ρ₁, ρ₂, ε, bc₁ = 1−ρ₁^(t+1).
 */
public record ScaleByAdaMax(Schedule rho1, Schedule rho2, Schedule epsilon) implements Transform {
    public static final String ID = "scale_by_adamax";
    private static final List<String> STATE = List.of("s", "v");
    private static final List<String> SCALARS = List.of("rho1", "rho2", "epsilon", "bc1");

    public ScaleByAdaMax {
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
        out[at] = r1;
        out[at + 1] = Params.at(Params.RHO2, rho2, t);
        out[at + 2] = Params.at(Params.EPSILON, epsilon, t);
        out[at + 3] = 1 - Math.pow(r1, t + 1);
    }

    @Override
    public double reference(double u, double theta, StateAccess state, double[] c, int at) {
        double rho1 = c[at];
        double s = state.set(0, rho1 * state.get(0) + (1 - rho1) * u);
        double v = state.set(1, Math.max(c[at + 1] * state.get(1), Math.abs(u) + c[at + 2]));
        return (s / c[at + 3]) / v;
    }
}
