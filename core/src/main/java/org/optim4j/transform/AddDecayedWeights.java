package org.optim4j.transform;

import java.util.List;
import org.optim4j.schedule.Schedule;

/**
 * u ← u + λ·θ (Optax's {@code add_decayed_weights}). Placed after a rule's scaling and before
 * {@link ScaleByLearningRate} it is decoupled weight decay (AdamW: θ ← θ − α·λ·θ − α·update); placed first it
 * is L2 regularisation added to the gradient.
 */
public record AddDecayedWeights(Schedule weightDecay) implements OneParameterTransform {
    public static final String ID = "add_decayed_weights";

    public AddDecayedWeights {
        Params.scheduled(Params.WEIGHT_DECAY, weightDecay);
    }

    @Override
    public Param param() {
        return Params.WEIGHT_DECAY;
    }

    @Override
    public Schedule schedule() {
        return weightDecay;
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
        return u + c[at] * theta;
    }
}
