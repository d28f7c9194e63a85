package org.optim4j;

import java.util.Optional;
import java.util.Set;
import org.optim4j.spi.Availability;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.Kernel;
import org.optim4j.spi.KernelKey;

/**
 * A test-only backend over {@code double[]}, running every chain composed: a buffer of another
 * backend for the validation tests, and float64 storage for the checkpoint tests.
 */
public final class DoubleTestBackend implements Backend {

    /** A float64 buffer. */
    public static final class DoubleBuffer implements Buffer {
        final double[] a;

        DoubleBuffer(int n) {
            a = new double[n];
        }

        @Override
        public int length() {
            return a.length;
        }

        @Override
        public double get(int i) {
            return a[i];
        }

        @Override
        public void set(int i, double value) {
            a[i] = value;
        }

        @Override
        public Precision precision() {
            return Precision.FLOAT64;
        }
    }

    @Override
    public String name() {
        return "double-test";
    }

    @Override
    public Availability availability() {
        return Availability.yes();
    }

    @Override
    public Buffer allocate(int length) {
        return new DoubleBuffer(length);
    }

    @Override
    public boolean owns(Buffer buffer) {
        return buffer instanceof DoubleBuffer;
    }

    /** No fused kernel: every rule runs composed, in double precision over double[] (the reference's arithmetic). */
    @Override
    public Optional<Kernel> kernel(KernelKey key) {
        return Optional.empty();
    }

    @Override
    public Set<KernelKey> kernelKeys() {
        return Set.of();
    }
}
