package org.optim4j.transform;

import java.util.List;
import java.util.Optional;

/**
 * One gradient transformation (Optax's model): it maps the incoming update u (the gradient, for the first
 * transform of a chain) to a new update, reading its hyper-parameters through per-step scalars and keeping
 * its own state buffers. A chain of transforms is an optimizer definition ({@link org.optim4j.rule.UpdateRule});
 * the parameters then move by the chain's final update: θ ← θ + u.
 *
 * <p>What a transform declares, and who uses it:
 * <ul>
 *   <li>{@link #id()}: its part of the fused-kernel key ({@link org.optim4j.spi.KernelKey}); two transforms
 *       with one id have the same equations and the same scalar and state layout;</li>
 *   <li>{@link #stateNames()}: one buffer of the parameters' length each;</li>
 *   <li>{@link #scalarNames()} and {@link #scalars(long, double[], int)}: the per-step scalars, computed once
 *       per step on the host (hyper-parameter values at step t, bias corrections, …) and checked there, so a
 *       schedule that yields a value out of range is refused before anything is modified;</li>
 *   <li>{@link #reference(double, double, StateAccess, double[], int)}: the exact per-element arithmetic in
 *       double precision: the scalar backend's reference and the composed fallback of every other backend.</li>
 * </ul>
 *
 * <p>Implementations are immutable values with value equality (records), safe to share.
 */
public interface Transform {

    /** The transform's identifier ({@code scale_by_adam}, {@code trace}, …). */
    String id();

    /** Its hyper-parameters' current values by declared name, in declaration order (for checkpoints and help). */
    List<Binding> hyperParameters();

    /** Names of its state buffers (the spec's: {@code s}, {@code r}); empty when it keeps none. */
    List<String> stateNames();

    /** Names of its per-step scalars, in slot order. */
    List<String> scalarNames();

    /**
     * Writes the scalars of step {@code t} into {@code out[at …]}, checking every scheduled value's range.
     *
     * @throws IllegalArgumentException naming the hyper-parameter, the step and the value when a schedule
     *                                  yields a value out of range (nothing has been modified then)
     */
    void scalars(long t, double[] out, int at);

    /**
     * The new update for one element: {@code u} is the incoming update, {@code theta} the parameter (before the
     * step), {@code state} this transform's state at the element, {@code c[at …]} its scalars.
     */
    double reference(double u, double theta, StateAccess state, double[] c, int at);

    /**
     * What the transform needs computed over its whole input before its element-wise pass. A
     * {@link Reduction#SCALE_BY_SUM_OF_SQUARES} only in the first transforms of a chain (their input is the gradient:
     * the optimizer computes it in the same read pass as the non-finite check); one
     * {@link Reduction#PER_TENSOR_NORMS} anywhere (the optimizer runs the chain before it in a first, write-free pass).
     */
    default Reduction reduction() {
        return Reduction.NONE;
    }

    /** Folds the reduction's result (Σu² over the transform's input) into its scalars at {@code c[at …]}. */
    default void reduced(double sumOfSquares, double[] c, int at) {
    }

    /**
     * Folds a {@link Reduction#PER_TENSOR_NORMS} result into its scalars at {@code c[at …]} for one tensor:
     * Σu² of the transform's input and Σθ² over that tensor's elements (of this group).
     */
    default void reducedPerTensor(double updateSumOfSquares, double parameterSumOfSquares, double[] c, int at) {
    }

    /**
     * When the transform evaluates the gradient somewhere other than θ (Nesterov's look-ahead): where, and
     * which transform replaces it when the gradient was taken there.
     */
    default Optional<Lookahead> lookahead() {
        return Optional.empty();
    }

    /** A reduction a transform needs before its pass. */
    enum Reduction {
        NONE,
        /**
         * Σu² over the transform's input; the transform's reference must then be u·c[at] (a pure rescaling by
         * its first scalar), so that a backend can fold it into a fused kernel as a gradient scale.
         */
        SCALE_BY_SUM_OF_SQUARES,
        /**
         * Σu² of the transform's input and Σθ², per tensor of the layout (LAMB's trust ratio), anywhere in the
         * chain: the optimizer runs the chain up to this transform once without writing anything to get them
         * (the state is untouched until every tensor's scalars are known), then runs the whole chain tensor by
         * tensor with {@link #reducedPerTensor} folded into the scalars.
         */
        PER_TENSOR_NORMS
    }

    /** A hyper-parameter's declaration with its current value (a schedule; constants are fixed schedules). */
    record Binding(Param param, org.optim4j.schedule.Schedule value) {
    }

    /**
     * Where the gradient is evaluated, element by element, and the transform that takes the gradient from there.
     * The point's scalars are the owning transform's.
     */
    interface Lookahead {
        /** The evaluation point for one element. */
        double point(double theta, StateAccess state, double[] c, int at);

        /** The transform applied when the gradient was taken at the point (same state layout and scalars). */
        Transform atPoint();
    }
}
