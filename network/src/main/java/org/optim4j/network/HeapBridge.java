package org.optim4j.network;

import org.optim4j.spi.Buffer;
import org.optim4j.spi.FloatArrayBuffer;

/**
 * Gets a {@code float[]} view of any backend's buffer for the engines' Java loops: the backing array
 * itself for heap buffers (no copy), otherwise a copy into preallocated scratch space.
 */
final class HeapBridge {
    private HeapBridge() {
    }

    /** The elements of {@code buffer}: its own array if it is on the heap, else copied into {@code scratch}. */
    static float[] read(Buffer buffer, float[] scratch) {
        if (buffer instanceof FloatArrayBuffer f) {
            return f.array();
        }
        for (int i = 0; i < scratch.length; i++) {
            scratch[i] = (float) buffer.get(i);
        }
        return scratch;
    }

    /** The array to write {@code buffer}'s new contents into: its own if on the heap, else {@code scratch}. */
    static float[] target(Buffer buffer, float[] scratch) {
        return buffer instanceof FloatArrayBuffer f ? f.array() : scratch;
    }

    /** Completes a {@link #target} write: copies {@code written} into {@code buffer} unless it is its own array. */
    static void commit(float[] written, Buffer buffer) {
        if (!(buffer instanceof FloatArrayBuffer f && f.array() == written)) {
            buffer.copyFrom(written);
        }
    }
}
