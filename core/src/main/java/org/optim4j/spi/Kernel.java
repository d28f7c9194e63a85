package org.optim4j.spi;

/**
 * One chain's element-wise update (or look-ahead), as a backend implements it.
 *
 * <p>The kernel updates elements {@code [from, to)} of the buffers, whose order its {@link KernelKey}
 * documents: θ, g, then the chain's state buffers. A backend whose {@link Backend#scalesGradient()} is true
 * reads g·{@link StepScalars#gradientScale()}. All buffers
 * belong to the kernel's backend and have the same length; the caller (the {@code Optimizer}) has checked
 * that, so a kernel does no validation.
 */
@FunctionalInterface
public interface Kernel {
    void apply(StepScalars scalars, Buffer[] buffers, int from, int to);

    /**
     * Elements {@code [from[r], to[r])} for every {@code r} (disjoint ranges in increasing order: a parameter
     * group's), as one call. The default runs them one by one; a backend that splits work across threads overrides
     * it to split the ranges' total instead, so that a group of many small tensors (each too short to split on its
     * own) still uses every thread.
     */
    default void applyRanges(StepScalars scalars, Buffer[] buffers, int[] from, int[] to) {
        for (int r = 0; r < from.length; r++) {
            apply(scalars, buffers, from[r], to[r]);
        }
    }
}
