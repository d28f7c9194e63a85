package org.optim4j.spi;

import java.util.Objects;

/**
 * A buffer over a whole {@code float[]} on the Java heap: the storage of the {@code scalar} and
 * {@code simd} backends. Wrapping copies nothing, so a training loop's own arrays are updated in place.
 */
public final class FloatArrayBuffer implements Buffer {
    private final float[] array;

    private FloatArrayBuffer(float[] array) {
        this.array = array;
    }

    /** Wraps {@code array} without copying it. */
    public static FloatArrayBuffer wrap(float[] array) {
        return new FloatArrayBuffer(Objects.requireNonNull(array, "array"));
    }

    /** A zero-filled buffer of {@code length} elements. */
    public static FloatArrayBuffer zeros(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, got " + length);
        }
        return new FloatArrayBuffer(new float[length]);
    }

    /** The backing array itself (not a copy). */
    public float[] array() {
        return array;
    }

    @Override
    public int length() {
        return array.length;
    }

    @Override
    public double get(int i) {
        return array[i];
    }

    @Override
    public void set(int i, double value) {
        array[i] = (float) value;
    }

    @Override
    public Precision precision() {
        return Precision.FLOAT32;
    }

    @Override
    public float[] toFloatArray() {
        return array.clone();
    }

    @Override
    public void copyFrom(float[] src) {
        if (src.length != array.length) {
            throw new IllegalArgumentException(
                    "source length " + src.length + " does not match buffer length " + array.length);
        }
        System.arraycopy(src, 0, array, 0, src.length);
    }

    @Override
    public String toString() {
        return "FloatArrayBuffer[length=" + array.length + "]";
    }
}
