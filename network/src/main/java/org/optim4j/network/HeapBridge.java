package org.optim4j.network;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.optim4j.backends.nd4j.Nd4jBuffer;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.FloatArrayBuffer;

/**
 * Gets a {@code float[]} view of any backend's buffer for the engines' Java loops: the backing array
 * itself for heap buffers (no copy); one bulk copy (a memcpy) for a float32 {@link Nd4jBuffer} that
 * owns its storage; an element-by-element copy for anything else. Copies land in preallocated scratch
 * space, and the NIO views of ND4J arrays are cached, so a step allocates nothing.
 */
final class HeapBridge {
    // Two cached NIO views: the parameters and, for Nesterov's spec form, the look-ahead point or the gradient.
    private final INDArray[] cachedArrays = new INDArray[3];
    private final FloatBuffer[] cachedViews = new FloatBuffer[3];
    private int nextSlot;

    /** The elements of {@code buffer}: its own array if it is on the heap, else copied into {@code scratch}. */
    float[] read(Buffer buffer, float[] scratch) {
        if (buffer instanceof FloatArrayBuffer f) {
            return f.array();
        }
        FloatBuffer nio = nioView(buffer);
        if (nio != null) {
            nio.get(0, scratch, 0, scratch.length);
            return scratch;
        }
        for (int i = 0; i < scratch.length; i++) {
            scratch[i] = (float) buffer.get(i);
        }
        return scratch;
    }

    /** The array to write {@code buffer}'s new contents into: its own if on the heap, else {@code scratch}. */
    float[] target(Buffer buffer, float[] scratch) {
        return buffer instanceof FloatArrayBuffer f ? f.array() : scratch;
    }

    /** Completes a {@link #target} write: copies {@code written} into {@code buffer} unless it is its own array. */
    void commit(float[] written, Buffer buffer) {
        if (buffer instanceof FloatArrayBuffer f && f.array() == written) {
            return;
        }
        FloatBuffer nio = nioView(buffer);
        if (nio != null) {
            nio.put(0, written, 0, written.length);
        } else {
            buffer.copyFrom(written);
        }
    }

    /** A direct view of a float32 ND4J buffer that starts its own storage, or null. */
    private FloatBuffer nioView(Buffer buffer) {
        if (!(buffer instanceof Nd4jBuffer n)) {
            return null;
        }
        INDArray array = n.array();
        for (int i = 0; i < cachedArrays.length; i++) {
            if (cachedArrays[i] == array) {
                return cachedViews[i];
            }
        }
        if (array.dataType() != DataType.FLOAT || array.isView() || array.offset() != 0
                || array.data().length() != array.length()) {
            return null;
        }
        FloatBuffer view = array.data().asNioFloat();
        cachedArrays[nextSlot] = array;
        cachedViews[nextSlot] = view;
        nextSlot = (nextSlot + 1) % cachedArrays.length;
        return view;
    }
}
