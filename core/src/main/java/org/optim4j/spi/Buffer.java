package org.optim4j.spi;

/**
 * A flat vector of parameters, gradients or optimizer state, in one backend's storage
 * (a {@code float[]} on the heap, an INDArray, …).
 *
 * <p>The element accessors are for tests, I/O and small problems, not for hot loops: kernels reach
 * the storage directly.
 */
public interface Buffer {

    /** Number of elements. */
    int length();

    /** Element {@code i} (0 ≤ i &lt; length). */
    double get(int i);

    /** Sets element {@code i}, rounded to the buffer's precision. */
    void set(int i, double value);

    /** The element type of the storage. */
    Precision precision();

    /** A copy of the elements as floats. */
    default float[] toFloatArray() {
        float[] out = new float[length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) get(i);
        }
        return out;
    }

    /** Overwrites every element from {@code src}, whose length must equal this buffer's. */
    default void copyFrom(float[] src) {
        if (src.length != length()) {
            throw new IllegalArgumentException(
                    "source length " + src.length + " does not match buffer length " + length());
        }
        for (int i = 0; i < src.length; i++) {
            set(i, src[i]);
        }
    }

    /** Element types of buffers. */
    enum Precision {
        FLOAT32, FLOAT64
    }
}
