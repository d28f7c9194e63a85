package org.optim4j.transform;

import java.util.List;
import org.optim4j.schedule.Schedule;

/** u ← −α_t·u (Optax's {@code scale_by_learning_rate}): the sign that turns a direction into a descent step. */
public record ScaleByLearningRate(Schedule learningRate) implements Transform {
    public static final String ID = "scale_by_learning_rate";
    private static final List<String> SCALARS = List.of("alpha");

    public ScaleByLearningRate {
        Params.scheduled(Params.LEARNING_RATE, learningRate);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<Binding> hyperParameters() {
        return List.of(new Binding(Params.LEARNING_RATE, learningRate));
    }

    @Override
    public List<String> stateNames() {
        return List.of();
    }

    @Override
    public List<String> scalarNames() {
        return SCALARS;
    }

    @Override
    public void scalars(long t, double[] out, int at) {
        out[at] = Params.at(Params.LEARNING_RATE, learningRate, t);
    }

    @Override
    public double reference(double u, double theta, StateAccess state, double[] c, int at) {
        return -(c[at] * u);
    }
}
