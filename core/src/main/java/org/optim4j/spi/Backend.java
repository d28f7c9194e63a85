package org.optim4j.spi;

import java.util.Optional;

/**
 * What a backend implements: storage for buffers and one element-wise {@link Kernel} per rule.
 *
 * <p>Backends are discovered with {@link java.util.ServiceLoader}: a backend jar lists its class in
 * {@code META-INF/services/org.optim4j.spi.Backend}. Implementations need a public no-argument
 * constructor that does no heavy work and never fails: an unusable backend reports that through
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

    /** The kernel for {@code id}, or empty when this backend lacks it. */
    Optional<Kernel> kernel(KernelId id);

    /**
     * The first index in {@code [from, to)} of {@code buffer} (one of this backend's) that holds NaN or
     * ±Infinity, or −1 when all are finite: the check of the optimizer's non-finite gradient policy.
     * The default is {@link NonFinite#firstIndex(Buffer, int, int)} (a vectorisable loop over a
     * {@code float[]}, element reads otherwise); a backend whose storage is elsewhere (native memory,
     * a GPU) should override it with a kernel of its own.
     */
    default int firstNonFinite(Buffer buffer, int from, int to) {
        return NonFinite.firstIndex(buffer, from, to);
    }

    /** Releases threads or native memory; the default holds none. */
    @Override
    default void close() {
    }
}
