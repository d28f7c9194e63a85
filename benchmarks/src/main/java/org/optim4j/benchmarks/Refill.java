package org.optim4j.benchmarks;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.optim4j.backends.nd4j.Nd4jBuffer;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.FloatArrayBuffer;

/**
 * Puts a benchmark's buffers back to θ₀ and zero between iterations without allocating (an allocation
 * there would be counted by JMH's GC profiler against the steps): in place on the heap arrays, with a
 * native assign from a kept copy on ND4J arrays.
 */
abstract class Refill {

    /** Writes θ₀ into {@code parameters}. */
    abstract void parameters(Buffer parameters);

    /** Zeroes {@code state}. */
    abstract void zero(Buffer state);

    /** A refill for buffers like {@code parameters}, restoring {@code initial}. */
    static Refill of(Buffer parameters, float[] initial) {
        if (parameters instanceof FloatArrayBuffer) {
            return new Heap(initial);
        }
        if (parameters instanceof Nd4jBuffer nd) {
            INDArray copy = nd.array().dup();
            nd.copyFrom(initial);
            copy.assign(nd.array());
            return new Native(copy);
        }
        throw new IllegalArgumentException("no refill for " + parameters.getClass().getName());
    }

    private static final class Heap extends Refill {
        private final float[] initial;

        Heap(float[] initial) {
            this.initial = initial;
        }

        @Override
        void parameters(Buffer parameters) {
            float[] a = ((FloatArrayBuffer) parameters).array();
            System.arraycopy(initial, 0, a, 0, a.length);
        }

        @Override
        void zero(Buffer state) {
            Arrays.fill(((FloatArrayBuffer) state).array(), 0f);
        }
    }

    private static final class Native extends Refill {
        private final INDArray initial;

        Native(INDArray initial) {
            this.initial = initial;
        }

        @Override
        void parameters(Buffer parameters) {
            ((Nd4jBuffer) parameters).array().assign(initial);
        }

        @Override
        void zero(Buffer state) {
            ((Nd4jBuffer) state).array().assign(0);
        }
    }
}
