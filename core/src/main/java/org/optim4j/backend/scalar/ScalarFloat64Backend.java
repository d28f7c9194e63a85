package org.optim4j.backend.scalar;

import java.util.Optional;
import java.util.Set;
import org.optim4j.spi.Availability;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.DoubleArrayBuffer;
import org.optim4j.spi.Kernel;
import org.optim4j.spi.KernelKey;

/**
 * The reference in double precision, {@code scalar-f64}: every chain composed from its transforms' reference
 * arithmetic over {@code double[]} on the heap ({@link DoubleArrayBuffer}), every value kept in float64. For
 * users who need double precision (scientific code, gradient checks) without ND4J:
 * {@code Optimizer.create(rule, Backends.byName("scalar-f64"), n).step(double[], double[])}.
 */
public final class ScalarFloat64Backend implements Backend {
    public static final String NAME = "scalar-f64";

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
        return DoubleArrayBuffer.zeros(length);
    }

    @Override
    public boolean owns(Buffer buffer) {
        return buffer instanceof DoubleArrayBuffer;
    }

    /** None: it is a reference, like {@code scalar}. */
    @Override
    public Optional<Kernel> kernel(KernelKey key) {
        return Optional.empty();
    }

    @Override
    public Set<KernelKey> kernelKeys() {
        return Set.of();
    }

    @Override
    public String toString() {
        return NAME;
    }
}
