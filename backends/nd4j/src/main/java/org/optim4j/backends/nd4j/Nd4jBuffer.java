package org.optim4j.backends.nd4j;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.optim4j.spi.Buffer;

/**
 * A buffer over an ND4J {@link INDArray} (float32 or float64), as the {@code nd4j} backend stores
 * parameters, gradients and state. {@link #wrap(INDArray)} copies nothing: the optimizer updates a
 * DL4J/ND4J user's own arrays, including views of a flat parameter array.
 *
 * <p>The array is seen as a rank-1 vector in logical ('c') order. A state buffer also carries a
 * scratch array of its shape, made at the first step that needs one ({@code update}, the output
 * of ND4J's native updater ops), so that later steps allocate no array.
 */
public final class Nd4jBuffer implements Buffer {
    private final INDArray array;
    private INDArray scratch;

    private Nd4jBuffer(INDArray array) {
        this.array = array;
    }

    /**
     * Wraps {@code array} without copying it.
     *
     * @throws IllegalArgumentException if it is null, not float32/float64, or of rank ≥ 2 and not
     *                                  viewable as a rank-1 vector without a copy (e.g. a column slice)
     */
    public static Nd4jBuffer wrap(INDArray array) {
        if (array == null) {
            throw new IllegalArgumentException("array must not be null");
        }
        DataType type = array.dataType();
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException("array must be FLOAT or DOUBLE, got " + type);
        }
        if (array.rank() == 1) {
            return new Nd4jBuffer(array);
        }
        try {
            return new Nd4jBuffer(array.reshape('c', true, array.length()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("array of shape " + Arrays.toString(array.shape())
                    + " and strides " + Arrays.toString(array.stride())
                    + " cannot be seen as a flat vector without a copy; pass a rank-1 or c-order contiguous view", e);
        }
    }

    /** A zero-filled buffer of {@code length} elements of {@code type} (FLOAT or DOUBLE). */
    static Nd4jBuffer zeros(DataType type, int length) {
        return new Nd4jBuffer(Nd4j.zeros(type, length));
    }

    /** The wrapped array as a rank-1 view (the same storage as the array given to {@link #wrap}). */
    public INDArray array() {
        return array;
    }

    /** The scratch array of this buffer's shape and type, made on first use and reused after. */
    INDArray scratch() {
        if (scratch == null) {
            scratch = Nd4j.createUninitialized(array.dataType(), array.length());
        }
        return scratch;
    }

    @Override
    public int length() {
        return (int) array.length();
    }

    @Override
    public double get(int i) {
        return array.getDouble((long) i);
    }

    @Override
    public void set(int i, double value) {
        array.putScalar((long) i, value);
    }

    @Override
    public Precision precision() {
        return array.dataType() == DataType.DOUBLE ? Precision.FLOAT64 : Precision.FLOAT32;
    }

    @Override
    public float[] toFloatArray() {
        if (array.length() == 0) {
            return new float[0];
        }
        return array.castTo(DataType.FLOAT).toFloatVector();
    }

    /** A copy of the elements as doubles (exact for either precision). */
    public double[] toDoubleArray() {
        if (array.length() == 0) {
            return new double[0];
        }
        return array.castTo(DataType.DOUBLE).toDoubleVector();
    }

    @Override
    public void copyFrom(float[] src) {
        if (src.length != length()) {
            throw new IllegalArgumentException(
                    "source length " + src.length + " does not match buffer length " + length());
        }
        if (src.length > 0) {
            array.assign(Nd4j.createFromArray(src).castTo(array.dataType()));
        }
    }

    @Override
    public String toString() {
        return "Nd4jBuffer[length=" + array.length() + ", " + array.dataType() + "]";
    }
}
