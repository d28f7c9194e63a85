package org.optim4j.backends.nd4j;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;
import org.optim4j.spi.Availability;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.Kernel;
import org.optim4j.spi.KernelId;

/**
 * The {@code nd4j} backend: parameters, gradients and state as ND4J {@link org.nd4j.linalg.api.ndarray.INDArray}s
 * ({@link Nd4jBuffer}), updated by ND4J's native updater ops and BLAS ({@link Nd4jKernels}).
 * It runs on whichever ND4J backend is on the class path (native CPU by default; CUDA with {@code -Pcuda}).
 *
 * <p>Why it exists next to {@code simd}: a DL4J/ND4J user's gradients already live in INDArrays, and on a
 * GPU only ND4J reaches the device. On a CPU a fused float[] pass is several times faster (DESIGN.md §1).
 *
 * <p>Memory: besides the rule's state, one scratch array of the parameters' size per optimizer for the
 * rules that use a native updater op (Nesterov, AdaGrad, RMSProp, Adam).
 */
public final class Nd4jBackend implements Backend {
    public static final String NAME = "nd4j";

    private final Buffer.Precision precision;
    private final Map<KernelId, Kernel> kernels = new EnumMap<>(KernelId.class);

    /** float32 buffers (what {@link #allocate} makes). */
    public Nd4jBackend() {
        this(Buffer.Precision.FLOAT32);
    }

    /** Buffers of {@code precision}: this backend owns, and its kernels accept, only buffers of that precision. */
    public Nd4jBackend(Buffer.Precision precision) {
        if (precision == null) {
            throw new IllegalArgumentException("precision must not be null");
        }
        this.precision = precision;
        put(KernelId.SGD, Nd4jKernels::sgd);
        put(KernelId.MOMENTUM, Nd4jKernels::momentum);
        put(KernelId.NESTEROV, Nd4jKernels::nesterov);
        put(KernelId.NESTEROV_LOOKAHEAD, Nd4jKernels::nesterovLookahead);
        put(KernelId.ADAGRAD, Nd4jKernels::adaGrad);
        put(KernelId.RMSPROP, Nd4jKernels::rmsProp);
        put(KernelId.ADAM, Nd4jKernels::adam);
    }

    private void put(KernelId id, Kernel kernel) {
        // ND4J ops reject empty arrays; an empty range has nothing to update.
        kernels.put(id, (scalars, buffers, from, to) -> {
            if (to > from) {
                kernel.apply(scalars, buffers, from, to);
            }
        });
    }

    public Buffer.Precision precision() {
        return precision;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Availability availability() {
        return Nd4jRuntime.status();
    }

    @Override
    public Buffer allocate(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, got " + length);
        }
        return Nd4jBuffer.zeros(precision == Buffer.Precision.FLOAT64 ? DataType.DOUBLE : DataType.FLOAT, length);
    }

    @Override
    public boolean owns(Buffer buffer) {
        return buffer instanceof Nd4jBuffer && buffer.precision() == precision;
    }

    @Override
    public Optional<Kernel> kernel(KernelId id) {
        return Optional.ofNullable(kernels.get(id));
    }

    @Override
    public String toString() {
        return NAME + "[" + precision + "]";
    }
}
