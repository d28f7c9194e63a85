package org.optim4j.transform;

import java.util.List;
import org.optim4j.schedule.Schedule;

/** Momentum's velocity (Optax's {@code trace}): s ← ρ·s + u; u ← s. After {@link ScaleByLearningRate} it is the spec's s = ρ·s − α·g. */
public record Trace(Schedule rho) implements OneParameterTransform {
    public static final String ID = "trace";
    private static final List<String> STATE = List.of("s");

    public Trace {
        Params.scheduled(Params.RHO, rho);
    }

    @Override
    public Param param() {
        return Params.RHO;
    }

    @Override
    public Schedule schedule() {
        return rho;
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
        return state.set(0, c[at] * state.get(0) + u);
    }
}
