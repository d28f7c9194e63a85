package org.optim4j.state;

import java.util.Arrays;
import org.optim4j.internal.Check;
import org.optim4j.quant.CompressedBuffer;
import org.optim4j.quant.StateFormat;
import org.optim4j.spi.Buffer;

/**
 * An immutable copy of one buffer's elements in their stored precision: float32 values as {@code float},
 * float64 values as {@code double}. This is how a checkpoint holds state and parameters independently of
 * any backend; equality is bitwise (NaN payloads included). Compressed state ({@link CompressedBuffer}: bf16,
 * int8 block-wise) is kept compressed, as stored: its {@link #format()} says which; its values read as float32.
 */
public final class BufferData {
    private final Buffer.Precision precision;
    private final float[] floats;
    private final double[] doubles;
    private final CompressedBuffer compressed;

    private BufferData(float[] floats, double[] doubles) {
        this.precision = floats != null ? Buffer.Precision.FLOAT32 : Buffer.Precision.FLOAT64;
        this.floats = floats;
        this.doubles = doubles;
        this.compressed = null;
    }

    private BufferData(CompressedBuffer compressed) {
        this.precision = Buffer.Precision.FLOAT32;
        this.floats = null;
        this.doubles = null;
        this.compressed = compressed;
    }

    /** Takes compressed storage without copying: the caller must not modify it afterwards (decoders). */
    public static BufferData wrapCompressed(CompressedBuffer buffer) {
        return new BufferData(Check.notNull("buffer", buffer));
    }

    /** {@link StateFormat#FLOAT32} for float32 and float64 data, else the compressed format. */
    public StateFormat format() {
        return compressed == null ? StateFormat.FLOAT32 : compressed.format();
    }

    /** The compressed storage itself (encoders; do not modify), or null for float data. */
    public CompressedBuffer compressedUnsafe() {
        return compressed;
    }

    /** A copy of {@code buffer}'s elements, in the buffer's precision. */
    public static BufferData of(Buffer buffer) {
        Check.notNull("buffer", buffer);
        if (buffer instanceof CompressedBuffer c) {
            return new BufferData(c.copy());
        }
        if (buffer.precision() == Buffer.Precision.FLOAT32) {
            return new BufferData(buffer.toFloatArray(), null);
        }
        double[] d = new double[buffer.length()];
        for (int i = 0; i < d.length; i++) {
            d[i] = buffer.get(i);
        }
        return new BufferData(null, d);
    }

    /** A copy of float32 values. */
    public static BufferData ofFloats(float[] values) {
        return new BufferData(Check.notNull("values", values).clone(), null);
    }

    /** A copy of float64 values. */
    public static BufferData ofDoubles(double[] values) {
        return new BufferData(null, Check.notNull("values", values).clone());
    }

    /** Takes {@code values} without copying: the caller must not modify them afterwards (decoders). */
    public static BufferData wrapFloats(float[] values) {
        return new BufferData(values, null);
    }

    /** Takes {@code values} without copying: the caller must not modify them afterwards (decoders). */
    public static BufferData wrapDoubles(double[] values) {
        return new BufferData(null, values);
    }

    /** A copy of elements {@code [from, to)}, in the same precision. */
    public BufferData slice(int from, int to) {
        if (from < 0 || to > length() || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") is outside [0, " + length() + ")");
        }
        if (compressed != null) { // a slice of compressed state is float32 (blocks do not survive slicing)
            return new BufferData(java.util.Arrays.copyOfRange(compressed.toFloatArray(), from, to), null);
        }
        return floats != null ? new BufferData(java.util.Arrays.copyOfRange(floats, from, to), null)
                : new BufferData(null, java.util.Arrays.copyOfRange(doubles, from, to));
    }

    public Buffer.Precision precision() {
        return precision;
    }

    public int length() {
        return compressed != null ? compressed.length() : floats != null ? floats.length : doubles.length;
    }

    /** Element {@code i}, widened to double (exact). */
    public double get(int i) {
        return compressed != null ? compressed.get(i) : floats != null ? floats[i] : doubles[i];
    }

    /** A copy as float32 (float64 values rounded to nearest). */
    public float[] toFloatArray() {
        if (compressed != null) {
            return compressed.toFloatArray();
        }
        if (floats != null) {
            return floats.clone();
        }
        float[] out = new float[doubles.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) doubles[i];
        }
        return out;
    }

    /** The stored float32 values themselves (encoders; do not modify), or null for float64 data. */
    public float[] floatsUnsafe() {
        return floats;
    }

    /** The stored float64 values themselves (encoders; do not modify), or null for float32 data. */
    public double[] doublesUnsafe() {
        return doubles;
    }

    /**
     * Writes every element into {@code target}, whose length must match: float32 values exactly into any
     * buffer; float64 values exactly into a float64 buffer and rounded to nearest into a float32 one. Compressed
     * data goes as stored into a compressed buffer of its format (and int8 map and blocks), else as its float32
     * values (encoded again when the target is compressed in another format or, int8, cut into other blocks).
     *
     * @throws IllegalArgumentException if {@code target} is null or of another length; nothing is written then
     */
    public void copyTo(Buffer target) {
        Check.notNull("target", target);
        if (target.length() != length()) {
            throw new IllegalArgumentException("target has length " + target.length() + " but the data has "
                    + length() + " elements");
        }
        if (compressed != null) {
            if (target instanceof CompressedBuffer c && c.format() == compressed.format() && sameMap(c)) {
                c.copyStorageFrom(compressed);
            } else {
                target.copyFrom(compressed.toFloatArray());
            }
        } else if (floats != null) {
            target.copyFrom(floats);
        } else {
            for (int i = 0; i < doubles.length; i++) {
                target.set(i, doubles[i]);
            }
        }
    }

    private boolean sameMap(CompressedBuffer c) {
        return !(c instanceof org.optim4j.quant.Int8BlockBuffer a) || a.sameLayout(compressed);
    }

    /** True when {@code buffer} holds exactly these values (bit for bit, in this data's precision). */
    public boolean matches(Buffer buffer) {
        return buffer != null && equals(of(buffer));
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof BufferData)) {
            return false;
        }
        BufferData other = (BufferData) o;
        if (precision != other.precision || length() != other.length() || format() != other.format()) {
            return false;
        }
        if (compressed != null) {
            return compressed.sameStorage(other.compressed);
        }
        if (floats != null) {
            for (int i = 0; i < floats.length; i++) {
                if (Float.floatToRawIntBits(floats[i]) != Float.floatToRawIntBits(other.floats[i])) {
                    return false;
                }
            }
        } else {
            for (int i = 0; i < doubles.length; i++) {
                if (Double.doubleToRawLongBits(doubles[i]) != Double.doubleToRawLongBits(other.doubles[i])) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return compressed != null ? Arrays.hashCode(compressed.toFloatArray())
                : floats != null ? Arrays.hashCode(floats) : Arrays.hashCode(doubles);
    }

    @Override
    public String toString() {
        return "BufferData[" + (compressed != null ? compressed.format().id() : precision) + ", length=" + length() + "]";
    }
}
