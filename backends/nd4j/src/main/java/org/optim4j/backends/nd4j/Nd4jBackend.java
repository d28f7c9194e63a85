package org.optim4j.backends.nd4j;

import java.util.LinkedHashMap;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.optim4j.spi.Availability;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.Kernel;
import org.optim4j.rule.AdaGrad;
import org.optim4j.rule.Adam;
import org.optim4j.rule.Momentum;
import org.optim4j.rule.Nesterov;
import org.optim4j.rule.RmsProp;
import org.optim4j.rule.Sgd;
import org.optim4j.schedule.Schedule;
import org.optim4j.spi.KernelKey;
import org.optim4j.spi.Reductions;
import org.optim4j.spi.NonFinite;

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
public class Nd4jBackend implements Backend {
    public static final String NAME = "nd4j";
    /** The name of the float64 instance ({@link Nd4jFloat64Backend}). */
    public static final String NAME_FLOAT64 = "nd4j-f64";

    private final Buffer.Precision precision;
    private final Map<KernelKey, Kernel> kernels = new LinkedHashMap<>();
    /** Any rate: a kernel is registered by its chain's key, which hyper-parameter values do not change. */
    private static final Schedule ANY_RATE = Schedule.constant(1);

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
        put(KernelKey.of(new Sgd(ANY_RATE)), Nd4jKernels::sgd);
        put(KernelKey.of(new Momentum(ANY_RATE, 0)), Nd4jKernels::momentum);
        Nesterov nesterov = new Nesterov(ANY_RATE, 0);
        put(KernelKey.of(nesterov), Nd4jKernels::nesterov);
        put(KernelKey.lookahead(nesterov.transforms()), Nd4jKernels::nesterovLookahead);
        put(KernelKey.of(new AdaGrad(ANY_RATE, 1)), Nd4jKernels::adaGrad);
        put(KernelKey.of(new RmsProp(ANY_RATE, 0, 1)), Nd4jKernels::rmsProp);
        put(KernelKey.of(new Adam(ANY_RATE, 0, 0, 1)), Nd4jKernels::adam);
    }

    private void put(KernelKey key, Kernel kernel) {
        // ND4J ops reject empty arrays; an empty range has nothing to update.
        kernels.put(key, (scalars, buffers, from, to) -> {
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
        return precision == Buffer.Precision.FLOAT64 ? NAME_FLOAT64 : NAME;
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
    public Optional<Kernel> kernel(KernelKey key) {
        return Optional.ofNullable(kernels.get(key));
    }

    @Override
    public Set<KernelKey> kernelKeys() {
        return Set.copyOf(kernels.keySet());
    }

    /** Σx² over float32 storage in place through its NIO view, in {@link Reductions}' block order. */
    @Override
    public double sumOfSquares(Buffer buffer, int from, int to) {
        INDArray a = ((Nd4jBuffer) buffer).array();
        if (a.dataType() == DataType.FLOAT && a.elementWiseStride() == 1) {
            java.nio.FloatBuffer f = a.data().asNioFloat();
            int offset = (int) a.offset();
            double total = 0;
            for (int b = from; b < to; b += Reductions.BLOCK) {
                int end = Math.min(to, b + Reductions.BLOCK);
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                int i = b;
                for (; i + 4 <= end; i += 4) {
                    double x0 = f.get(offset + i), x1 = f.get(offset + i + 1);
                    double x2 = f.get(offset + i + 2), x3 = f.get(offset + i + 3);
                    s0 += x0 * x0;
                    s1 += x1 * x1;
                    s2 += x2 * x2;
                    s3 += x3 * x3;
                }
                for (; i < end; i++) {
                    double x = f.get(offset + i);
                    s0 += x * x;
                }
                total += (s0 + s1) + (s2 + s3);
            }
            return total;
        }
        return Backend.super.sumOfSquares(buffer, from, to);
    }

    /**
     * Scans float32 storage in place through its NIO view (the default reads element by element through
     * {@link Buffer#get}, ~10x slower at 16M here). ND4J's own {@code BooleanIndexing.firstIndex} was slower
     * still and missed a −Infinity, so it is not used.
     */
    @Override
    public int firstNonFinite(Buffer buffer, int from, int to) {
        INDArray a = ((Nd4jBuffer) buffer).array();
        if (a.dataType() == DataType.FLOAT && a.elementWiseStride() == 1) {
            int offset = (int) a.offset();
            int i = NonFinite.firstIndex(a.data().asNioFloat(), offset + from, offset + to);
            return i < 0 ? -1 : i - offset;
        }
        return Backend.super.firstNonFinite(buffer, from, to);
    }

    @Override
    public String toString() {
        return name() + "[" + precision + "]";
    }
}
