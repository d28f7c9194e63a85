package org.optim4j.transform;

import java.util.List;
import org.optim4j.schedule.Schedule;

/**
 * u ← u + λ·θ (Optax's {@code add_decayed_weights}). Placed after a rule's scaling and before
 * {@link ScaleByLearningRate} it is decoupled weight decay (AdamW: θ ← θ − α·λ·θ − α·update); placed first it
 * is L2 regularisation added to the gradient.
 */
public record AddDecayedWeights(Schedule weightDecay) implements Transform {
    public static final String ID = "add_decayed_weights";
    private static final List<String> SCALARS = List.of("weight_decay");

    public AddDecayedWeights {
        Params.scheduled(Params.WEIGHT_DECAY, weightDecay);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<Binding> hyperParameters() {
        return List.of(new Binding(Params.WEIGHT_DECAY, weightDecay));
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
        out[at] = Params.at(Params.WEIGHT_DECAY, weightDecay, t);
    }

    @Override
    public double reference(double u, double theta, StateAccess state, double[] c, int at) {
        return u + c[at] * theta;
    }
}
