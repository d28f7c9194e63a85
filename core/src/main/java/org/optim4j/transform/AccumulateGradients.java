package org.optim4j.transform;

import java.util.List;
import org.optim4j.schedule.Schedule;

/**
 * Gradient accumulation over k micro-batches (Optax's {@code MultiSteps}; in PyTorch, k backward passes of the loss
 * divided by k before one {@code optimizer.step()}). It must be the first transform of a chain
 * ({@link org.optim4j.rule.Transforms#accumulate}); the {@link org.optim4j.Optimizer} applies it, not a kernel:
 *
 * <ul>
 *   <li>every call adds the gradient to the state buffer {@value #STATE} (so snapshots and checkpoints carry a
 *       half-accumulated gradient) and leaves the parameters and the rest of the chain's state alone, except</li>
 *   <li>every k-th call, which runs the rest of the chain on the mean ḡ = (Σ of the k gradients)/k and clears the
 *       buffer.</li>
 * </ul>
 *
 * <p>Step counter: the optimizer's counter counts calls (micro-batches); the rest of the chain sees t = ⌊step/k⌋,
 * the number of updates applied before, for its schedules and bias corrections; the update happens on the calls
 * with step mod k = k − 1. A non-finite micro-batch gradient is checked (and failed or skipped) like any gradient,
 * before it is added. The reference here is the identity: the optimizer never runs it element-wise.
 *
 * @param steps k ≥ 1
 */
public record AccumulateGradients(long steps) implements Transform {
    public static final String ID = "accumulate_gradients";
    /** The state buffer holding the running sum of the micro-batch gradients. */
    public static final String STATE = "accumulated_gradient";
    /** k, the number of micro-batches per update. */
    public static final Param STEPS = new Param("accumulate_steps", List.of("k", "every_k"), 1, Param.Range.POSITIVE,
            "micro-batches (calls) per update, k >= 1");

    public AccumulateGradients {
        if (steps < 1) {
            throw new IllegalArgumentException("accumulate_steps must be >= 1, got " + steps);
        }
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<Binding> hyperParameters() {
        return List.of(new Binding(STEPS, Schedule.fixed(steps)));
    }

    @Override
    public List<String> stateNames() {
        return List.of(STATE);
    }

    @Override
    public List<String> scalarNames() {
        return List.of();
    }

    @Override
    public void scalars(long t, double[] out, int at) {
    }

    @Override
    public double reference(double u, double theta, StateAccess state, double[] c, int at) {
        return u;
    }
}
