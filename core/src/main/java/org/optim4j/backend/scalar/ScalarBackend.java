package org.optim4j.backend.scalar;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.optim4j.spi.Availability;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.FloatArrayBuffer;
import org.optim4j.spi.Kernel;
import org.optim4j.spi.KernelId;

/**
 * The reference backend, {@code scalar}: the spec's equations transcribed literally, one element at
 * a time, over {@code float[]} on the heap. Written for clarity and exactness, not speed: every
 * expression is evaluated in double precision from the stored float32 values, and each assignment of
 * the spec stores its result rounded once to float32. Every other backend is tested against it.
 */
public final class ScalarBackend implements Backend {
    public static final String NAME = "scalar";

    private final Map<KernelId, Kernel> kernels = new EnumMap<>(KernelId.class);

    public ScalarBackend() {
        kernels.put(KernelId.SGD, ScalarKernels::sgd);
        kernels.put(KernelId.MOMENTUM, ScalarKernels::momentum);
        kernels.put(KernelId.NESTEROV, ScalarKernels::nesterov);
        kernels.put(KernelId.NESTEROV_LOOKAHEAD, ScalarKernels::nesterovLookahead);
        kernels.put(KernelId.ADAGRAD, ScalarKernels::adaGrad);
        kernels.put(KernelId.RMSPROP, ScalarKernels::rmsProp);
        kernels.put(KernelId.ADAM, ScalarKernels::adam);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Availability availability() {
        return Availability.yes();
    }

    @Override
    public Buffer allocate(int length) {
        return FloatArrayBuffer.zeros(length);
    }

    @Override
    public boolean owns(Buffer buffer) {
        return buffer instanceof FloatArrayBuffer;
    }

    @Override
    public Optional<Kernel> kernel(KernelId id) {
        return Optional.ofNullable(kernels.get(id));
    }

    @Override
    public String toString() {
        return NAME;
    }
}
