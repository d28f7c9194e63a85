package org.optim4j;

import java.util.Optional;
import org.optim4j.spi.Availability;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.Kernel;
import org.optim4j.spi.KernelId;

/**
 * A test-only backend over {@code double[]} with the SGD and momentum kernels: a buffer of another
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

    @Override
    public Optional<Kernel> kernel(KernelId id) {
        switch (id) {
            case SGD:
                return Optional.of((k, b, from, to) -> {
                    double[] theta = ((DoubleBuffer) b[0]).a, g = ((DoubleBuffer) b[1]).a;
                    for (int i = from; i < to; i++) {
                        theta[i] -= k.alpha() * g[i];
                    }
                });
            case MOMENTUM:
                return Optional.of((k, b, from, to) -> {
                    double[] theta = ((DoubleBuffer) b[0]).a, g = ((DoubleBuffer) b[1]).a, s = ((DoubleBuffer) b[2]).a;
                    for (int i = from; i < to; i++) {
                        s[i] = k.rho1() * s[i] - k.alpha() * g[i];
                        theta[i] += s[i];
                    }
                });
            default:
                return Optional.empty();
        }
    }
}
