package org.optim4j.spi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The common part of backends whose storage is a {@code float[]} on the heap ({@link FloatArrayBuffer}):
 * the {@code scalar} reference and {@code simd}. A subclass registers its fused kernels in its constructor;
 * buffers of one heap backend are buffers of every other, so a caller's arrays work with any of them.
 */
public abstract class HeapBackend implements Backend {
    private final Map<KernelKey, Kernel> kernels = new LinkedHashMap<>();

    /** Registers the fused kernel for {@code key} (called from the subclass constructor). */
    protected final void register(KernelKey key, Kernel kernel) {
        if (kernels.put(key, kernel) != null) {
            throw new IllegalStateException("two kernels registered for " + key);
        }
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
    public Optional<Kernel> kernel(KernelKey key) {
        return Optional.ofNullable(kernels.get(key));
    }

    @Override
    public Set<KernelKey> kernelKeys() {
        return Set.copyOf(kernels.keySet());
    }
}
