package org.optim4j.spi;

import java.util.Objects;

/**
 * A buffer over a whole {@code double[]} on the Java heap: the storage of the float64 heap backend
 * ({@code scalar-f64}). Wrapping copies nothing, so a caller's arrays are updated in place.
 */
public final class DoubleArrayBuffer implements Buffer {
    private final double[] array;

    private DoubleArrayBuffer(double[] array) {
        this.array = array;
    }

    /** Wraps {@code array} without copying it. */
    public static DoubleArrayBuffer wrap(double[] array) {
        return new DoubleArrayBuffer(Objects.requireNonNull(array, "array"));
    }

    /** A zero-filled buffer of {@code length} elements. */
    public static DoubleArrayBuffer zeros(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, got " + length);
        }
        return new DoubleArrayBuffer(new double[length]);
    }

    /** The backing array itself (not a copy). */
    public double[] array() {
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
        array[i] = value;
    }

    @Override
    public Precision precision() {
        return Precision.FLOAT64;
    }

    @Override
    public String toString() {
        return "DoubleArrayBuffer[length=" + array.length + "]";
    }
}
