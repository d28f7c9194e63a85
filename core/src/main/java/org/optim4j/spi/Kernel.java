package org.optim4j.spi;

/**
 * One rule's element-wise update, as a backend implements it.
 *
 * <p>The kernel updates elements {@code [from, to)} of the buffers, whose order and meaning its
 * {@link KernelId} documents. All buffers belong to the kernel's backend and have the same length;
 * the caller (the {@code Optimizer}) has checked that, so a kernel does no validation.
 */
@FunctionalInterface
public interface Kernel {
    void apply(StepScalars scalars, Buffer[] buffers, int from, int to);
}
