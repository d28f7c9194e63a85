package org.optim4j.transform;

import java.util.List;
import org.optim4j.schedule.Schedule;

/**
 * AdaDelta's scaling (Zeiler 2012) as PyTorch 1.13's {@code torch.optim.Adadelta}, ε inside both square roots:
 * r ← ρ·r + (1−ρ)·u⊙u; δ = √(d + ε)/√(r + ε)·u; d ← ρ·d + (1−ρ)·δ⊙δ; u ← δ. Scalars: ρ, ε.
 */
public record ScaleByAdaDelta(Schedule rho, Schedule epsilon) implements Transform {
    public static final String ID = "scale_by_adadelta";
    /** ρ, the decay of both accumulators (PyTorch's {@code rho}). */
    public static final Param RHO = new Param("rho", List.of(), 0.9, Param.Range.UNIT_INTERVAL,
            "decay ρ of both AdaDelta accumulators");
    /** ε, inside both square roots. */
    public static final Param EPSILON = new Param("epsilon", List.of("eps"), 1e-6, Param.Range.POSITIVE,
            "ε, inside both square roots");
    private static final List<String> STATE = List.of("r", "d");
    private static final List<String> SCALARS = List.of("rho", "epsilon");

    public ScaleByAdaDelta {
        Params.scheduled(RHO, rho);
        Params.scheduled(EPSILON, epsilon);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<Binding> hyperParameters() {
        return List.of(new Binding(RHO, rho), new Binding(EPSILON, epsilon));
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
        out[at] = Params.at(RHO, rho, t);
        out[at + 1] = Params.at(EPSILON, epsilon, t);
    }

    @Override
    public double reference(double u, double theta, StateAccess state, double[] c, int at) {
        double rho = c[at], eps = c[at + 1];
        double r = state.set(0, rho * state.get(0) + (1 - rho) * u * u);
        double delta = Math.sqrt(state.get(1) + eps) / Math.sqrt(r + eps) * u;
        state.set(1, rho * state.get(1) + (1 - rho) * delta * delta);
        return delta;
    }
}
