package org.optim4j.spi;

import java.util.Optional;
import java.util.Set;

/**
 * What a backend implements: storage for buffers, fused kernels by {@link KernelKey}, and the read pass of
 * reductions.
 *
 * <p>Any chain runs on any backend: without a fused kernel for its key the optimizer composes the chain's
 * transforms ({@link ComposedKernel}, exact but slower) and hands that to {@link #composed(Kernel)}, where a
 * backend may parallelise it. Backends are discovered with {@link java.util.ServiceLoader}: a backend jar
 * lists its class in {@code META-INF/services/org.optim4j.spi.Backend}. Implementations need a public
 * no-argument constructor that does no heavy work and never fails: an unusable backend reports that through
 * {@link #availability()} instead of throwing (for example when native libraries are missing).
 *
 * <p>A backend may hold resources (threads, native memory); {@link #close()} releases them.
 */
public interface Backend extends AutoCloseable {

    /** The short name by which users select this backend ({@code scalar}, {@code simd}, {@code nd4j}, …). */
    String name();

    /** Whether this backend can run here, with the reason when it cannot. */
    Availability availability();

    /** A new zero-filled buffer of this backend's storage. */
    Buffer allocate(int length);

    /** True when {@code buffer} is storage this backend's kernels can read and write. */
    boolean owns(Buffer buffer);

    /** The fused kernel registered for {@code key}, or empty. */
    Optional<Kernel> kernel(KernelKey key);

    /** The keys of every fused kernel this backend registers (the parity test checks each). */
    Set<KernelKey> kernelKeys();

    /**
     * True when every fused kernel of this backend reads g·{@link StepScalars#gradientScale()}; the optimizer
     * then runs a chain with a leading clip as the fused kernel of the rest. False (the default): such chains
     * run composed on this backend.
     */
    default boolean scalesGradient() {
        return false;
    }

    /**
     * How this backend runs a composed (non-fused) element-wise kernel over its buffers; by default as it is,
     * on the calling thread. A backend may split the range across threads (elements are independent).
     */
    default Kernel composed(Kernel composedKernel) {
        return composedKernel;
    }

    /**
     * Σx² over {@code [from, to)} of {@code buffer}, in double precision: NaN or ±∞ when any element is not
     * finite (a float32 square cannot overflow a double sum). The one read pass behind the non-finite check
     * and clipping by global norm. The default is {@link Reductions#sumOfSquares(Buffer, int, int)}.
     */
    default double sumOfSquares(Buffer buffer, int from, int to) {
        return Reductions.sumOfSquares(buffer, from, to);
    }

    /**
     * The first index in {@code [from, to)} of {@code buffer} that holds NaN or ±Infinity, or −1 when all are
     * finite: run only after {@link #sumOfSquares} found a non-finite value, to name it.
     */
    default int firstNonFinite(Buffer buffer, int from, int to) {
        return NonFinite.firstIndex(buffer, from, to);
    }

    /** Releases threads or native memory; the default holds none. */
    @Override
    default void close() {
    }
}
