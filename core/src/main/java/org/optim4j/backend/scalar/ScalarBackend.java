package org.optim4j.backend.scalar;

import org.optim4j.spi.HeapBackend;
import org.optim4j.spi.KernelId;

/**
 * The reference backend, {@code scalar}: the spec's equations transcribed literally, one element at
 * a time, over {@code float[]} on the heap. Written for clarity and exactness, not speed: every
 * expression is evaluated in double precision from the stored float32 values, and each assignment of
 * the spec stores its result rounded once to float32. Every other backend is tested against it.
 */
public final class ScalarBackend extends HeapBackend {
    public static final String NAME = "scalar";

    public ScalarBackend() {
        register(KernelId.SGD, ScalarKernels::sgd);
        register(KernelId.MOMENTUM, ScalarKernels::momentum);
        register(KernelId.NESTEROV, ScalarKernels::nesterov);
        register(KernelId.NESTEROV_LOOKAHEAD, ScalarKernels::nesterovLookahead);
        register(KernelId.ADAGRAD, ScalarKernels::adaGrad);
        register(KernelId.RMSPROP, ScalarKernels::rmsProp);
        register(KernelId.ADAM, ScalarKernels::adam);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String toString() {
        return NAME;
    }
}
