package org.optim4j.quant;

import org.optim4j.spi.Buffer;

/**
 * A float16 vector (one {@code char} per element, {@link Fp16}): a mixed-precision gradient (read by
 * {@code org.optim4j.DynamicLossScale}) or the half-precision copy of the parameters that {@code Optimizer.stepMixed} writes.
 */
public final class Fp16Buffer implements Buffer {
    private final char[] bits;

    public Fp16Buffer(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, got " + length);
        }
        this.bits = new char[length];
    }

    /** The float16 bit patterns themselves. */
    public char[] array() {
        return bits;
    }

    @Override
    public int length() {
        return bits.length;
    }

    @Override
    public double get(int i) {
        return Fp16.decode(bits[i]);
    }

    @Override
    public void set(int i, double value) {
        bits[i] = (char) Fp16.encode((float) value);
    }

    @Override
    public Precision precision() {
        return Precision.FLOAT32;
    }

    @Override
    public String toString() {
        return "Fp16Buffer[length=" + bits.length + "]";
    }
}
