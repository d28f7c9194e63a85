package org.optim4j.transform;

import java.util.List;
import org.optim4j.schedule.Schedule;

/** u ← −α_t·u (Optax's {@code scale_by_learning_rate}): the sign that turns a direction into a descent step. */
public record ScaleByLearningRate(Schedule learningRate) implements OneParameterTransform {
    public static final String ID = "scale_by_learning_rate";

    public ScaleByLearningRate {
        Params.scheduled(Params.LEARNING_RATE, learningRate);
    }

    @Override
    public Param param() {
        return Params.LEARNING_RATE;
    }

    @Override
    public Schedule schedule() {
        return learningRate;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<String> stateNames() {
        return List.of();
    }

    @Override
    public double reference(double u, double theta, StateAccess state, double[] c, int at) {
        return -(c[at] * u);
    }
}
