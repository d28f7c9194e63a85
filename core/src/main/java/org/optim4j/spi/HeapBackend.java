package org.optim4j.spi;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The common part of backends whose storage is a {@code float[]} on the heap ({@link FloatArrayBuffer}):
 * the {@code scalar} reference and {@code simd}. A subclass registers its kernels in its constructor;
 * buffers of one heap backend are buffers of every other, so a caller's arrays work with any of them.
 */
public abstract class HeapBackend implements Backend {
    private final Map<KernelId, Kernel> kernels = new EnumMap<>(KernelId.class);

    /** Registers the kernel for {@code id} (called from the subclass constructor). */
    protected final void register(KernelId id, Kernel kernel) {
        kernels.put(id, kernel);
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
    public Optional<Kernel> kernel(KernelId id) {
        return Optional.ofNullable(kernels.get(id));
    }
}
