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
}
