package org.optim4j.interop.dl4j;

import java.util.List;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.Params;
import org.optim4j.transform.StateAccess;
import org.optim4j.transform.Transform;

/**
 * Adam's scaling as DL4J 1.0.0-M2.1 computes it ({@code org.nd4j.linalg.learning.AdamUpdater}, the native
 * {@code adam_updater} op): ε is added to the <em>uncorrected</em> √r and both bias corrections fold into one
 * factor: s ← ρ₁·s + (1−ρ₁)·u; r ← ρ₂·r + (1−ρ₂)·u⊙u; u ← √(1−ρ₂^(t+1))/(1−ρ₁^(t+1)) · s/(√r + ε).
 * Followed by {@code scale_by_learning_rate} it is DL4J's Adam: α·√(1−ρ₂^(t+1))/(1−ρ₁^(t+1))·m/(√v + ε).
 *
 * <p>Scalars: ρ₁, ρ₂, ε, bc₁ = 1−ρ₁^(t+1), bc₂ = 1−ρ₂^(t+1) (as {@code scale_by_adam}); state s, r (DL4J's m, v,
 * laid out in that order, as DL4J lays them out in its updater state).
 */
public record ScaleByAdamDl4j(Schedule rho1, Schedule rho2, Schedule epsilon) implements Transform {
    public static final String ID = "scale_by_adam_dl4j";
    private static final List<String> STATE = List.of("s", "r");
    private static final List<String> SCALARS = List.of("rho1", "rho2", "epsilon", "bc1", "bc2");

    public ScaleByAdamDl4j {
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
        out[at] = r1;
        out[at + 1] = r2;
        out[at + 2] = Params.at(Params.EPSILON, epsilon, t);
        out[at + 3] = 1 - Math.pow(r1, t + 1);
        out[at + 4] = 1 - Math.pow(r2, t + 1);
    }

    @Override
    public double reference(double u, double theta, StateAccess state, double[] c, int at) {
        double rho1 = c[at], rho2 = c[at + 1];
        double s = state.set(0, rho1 * state.get(0) + (1 - rho1) * u);
        double r = state.set(1, rho2 * state.get(1) + (1 - rho2) * u * u);
        return Math.sqrt(c[at + 4]) / c[at + 3] * s / (Math.sqrt(r) + c[at + 2]);
    }
}
