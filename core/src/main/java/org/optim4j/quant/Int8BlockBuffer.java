package org.optim4j.quant;

import java.util.Arrays;

/**
 * 8-bit block-wise state (Dettmers et al. 2022): per block of {@value StateFormat#BLOCK} elements a float32
 * absmax, per element one byte, the index of the nearest entry of a {@link DynamicMap} to x/absmax. A value
 * reads as {@code map[code]·absmax}.
 */
public final class Int8BlockBuffer implements CompressedBuffer {
    private final int length;
    private final byte[] codes;
    private final float[] absmax;
    private final DynamicMap map;

    public Int8BlockBuffer(int length, DynamicMap map) {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, got " + length);
        }
        this.length = length;
        this.map = java.util.Objects.requireNonNull(map, "map");
        this.codes = new byte[length];
        this.absmax = new float[(length + StateFormat.BLOCK - 1) / StateFormat.BLOCK];
        Arrays.fill(codes, (byte) map.zeroCode());
    }

    public DynamicMap map() {
        return map;
    }

    /** The codes themselves (kernels, I/O). */
    public byte[] codes() {
        return codes;
    }

    /** The per-block scales themselves (kernels, I/O). */
    public float[] absmax() {
        return absmax;
    }

    @Override
    public StateFormat format() {
        return StateFormat.INT8;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public double get(int i) {
        java.util.Objects.checkIndex(i, length);
        return map.value(codes[i]) * absmax[i / StateFormat.BLOCK];
    }

    /** Re-encodes the element's whole block (its absmax may change): for tests and I/O, not for loops. */
    @Override
    public void set(int i, double value) {
        java.util.Objects.checkIndex(i, length);
        int block = i / StateFormat.BLOCK;
        float[] tmp = new float[StateFormat.BLOCK];
        decodeBlock(block, tmp);
        tmp[i - block * StateFormat.BLOCK] = (float) value;
        encodeBlock(block, tmp);
    }

    @Override
    public void decodeBlock(int block, float[] dst) {
        int at = block * StateFormat.BLOCK;
        map.decodeBlock(codes, at, absmax[block], dst, 0, blockLength(block));
    }

    @Override
    public void encodeBlock(int block, float[] src) {
        map.encodeBlock(src, 0, blockLength(block), codes, block * StateFormat.BLOCK, absmax, block);
    }

    @Override
    public CompressedBuffer copy() {
        Int8BlockBuffer c = new Int8BlockBuffer(length, map);
        c.copyStorageFrom(this);
        return c;
    }

    @Override
    public void copyStorageFrom(CompressedBuffer other) {
        if (!(other instanceof Int8BlockBuffer o) || o.length != length || o.map != map) {
            throw new IllegalArgumentException("cannot copy " + other + " into " + this);
        }
        System.arraycopy(o.codes, 0, codes, 0, length);
        System.arraycopy(o.absmax, 0, absmax, 0, absmax.length);
    }

    @Override
    public boolean sameStorage(CompressedBuffer other) {
        if (!(other instanceof Int8BlockBuffer o) || o.length != length || o.map != map) {
            return false;
        }
        if (!Arrays.equals(codes, o.codes)) {
            return false;
        }
        for (int b = 0; b < absmax.length; b++) {
            if (Float.floatToRawIntBits(absmax[b]) != Float.floatToRawIntBits(o.absmax[b])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "Int8BlockBuffer[length=" + length + ", " + map + "]";
    }
}
