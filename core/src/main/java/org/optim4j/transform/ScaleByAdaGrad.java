package org.optim4j.transform;

import java.util.List;
import org.optim4j.schedule.Schedule;

/** AdaGrad's scaling: r ← r + u⊙u; u ← u/(√r + ε), ε outside the square root (as PyTorch and DL4J). */
public record ScaleByAdaGrad(Schedule epsilon) implements OneParameterTransform {
    public static final String ID = "scale_by_adagrad";
    private static final List<String> STATE = List.of("r");

    public ScaleByAdaGrad {
        Params.scheduled(Params.EPSILON, epsilon);
    }

    @Override
    public Param param() {
        return Params.EPSILON;
    }

    @Override
    public Schedule schedule() {
        return epsilon;
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
        double r = state.set(0, state.get(0) + u * u);
        return u / (Math.sqrt(r) + c[at]);
    }
}
