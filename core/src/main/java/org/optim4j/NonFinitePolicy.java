package org.optim4j;

/**
 * What an {@link Optimizer} does with a gradient that holds NaN or ±Infinity, chosen when the optimizer
 * is built ({@link Optimizer.Builder#nonFinitePolicy(NonFinitePolicy)}).
 *
 * <p>The check reads the whole gradient once before the step, through the backend's
 * {@link org.optim4j.spi.Backend#firstNonFinite(org.optim4j.spi.Buffer, int, int)}; see
 * {@link Optimizer} for its measured cost.
 */
public enum NonFinitePolicy {
    /**
     * The default: throw {@link NonFiniteGradientException} naming the tensor and the first index with
     * NaN or ±Infinity. Nothing is modified; the step counter does not advance.
     */
    FAIL,
    /**
     * Skip the step: nothing is modified, the step counter does not advance, the skip is counted
     * ({@link Optimizer#skippedSteps()}) and logged at most once per
     * {@link Optimizer.Builder#skipLogInterval(int) N} skips.
     */
    SKIP_STEP,
    /** No check: a non-finite gradient flows into the parameters and the state, as the arithmetic has it. */
    UNCHECKED
}
