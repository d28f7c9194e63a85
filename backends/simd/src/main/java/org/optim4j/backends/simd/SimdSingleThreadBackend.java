package org.optim4j.backends.simd;

/**
 * The {@code simd} kernels on the calling thread alone, registered as {@code simd1}. On a machine whose other
 * cores are busy (or for small buffers, where the hand-off to a worker costs more than the work) it is often
 * the fastest backend: the benchmark measures it, the per-machine profile may recommend it, and a user can
 * name it ({@code Backends.byName("simd1")}, {@code -Doptim4j.backend=simd1}). For another thread count, use
 * {@code new SimdBackend(threads)} or the system property {@value SimdBackend#THREADS_PROPERTY}.
 */
public final class SimdSingleThreadBackend extends SimdBackend {
    /** The registered name. */
    public static final String NAME = "simd1";

    /** One thread: the caller's. */
    public SimdSingleThreadBackend() {
        super(NAME, 1, DEFAULT_MIN_SPLIT);
    }
}
