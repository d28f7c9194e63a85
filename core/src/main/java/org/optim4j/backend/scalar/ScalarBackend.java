package org.optim4j.backend.scalar;

import org.optim4j.spi.HeapBackend;

/**
 * The reference backend, {@code scalar}: every chain composed from its transforms' reference arithmetic
 * ({@link org.optim4j.spi.ComposedKernel}), one element at a time, over {@code float[]} on the heap. Written
 * for clarity and exactness, not speed: every expression is evaluated in double precision from the stored
 * float32 values, and each state assignment stores its result rounded once to float32. It registers no fused
 * kernel on purpose: every other backend's fused kernels are tested against it.
 */
public final class ScalarBackend extends HeapBackend {
    public static final String NAME = "scalar";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String toString() {
        return NAME;
    }
}
