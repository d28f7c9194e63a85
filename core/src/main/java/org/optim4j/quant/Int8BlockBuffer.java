package org.optim4j.quant;

import java.util.Arrays;

/**
 * 8-bit block-wise state (Dettmers et al. 2022): per block of at most {@value StateFormat#BLOCK} elements a
 * float32 absmax, per element one byte, the index of the nearest entry of a {@link DynamicMap} to x/absmax. A value
 * reads as {@code map[code]·absmax}. The blocks are those of a {@link BlockPlan}: uniform over the buffer, or
 * aligned to the tensors of the optimizer's layout, where a small tensor's blocks are kept as float32 values (in
 * {@link #float32Values()}, at the plan's {@link BlockPlan#float32Offset offsets}; their codes and absmax are unused
 * and stay zero).
 */
public final class Int8BlockBuffer implements CompressedBuffer {
    private final int length;
    private final BlockPlan plan;
    /** One per element, indexed by element (a float32 block's codes stay the code of 0). */
    private final byte[] codes;
    /** One per block (a float32 block's stays 0). */
    private final float[] absmax;
    /** The float32 blocks' values, block after block. */
    private final float[] float32;
    private final DynamicMap map;

    /** Uniform blocks of {@value StateFormat#BLOCK} over {@code length} elements. */
    public Int8BlockBuffer(int length, DynamicMap map) {
        this(BlockPlan.uniform(length), map);
    }

    /** Zeros over {@code plan}'s blocks. */
    public Int8BlockBuffer(BlockPlan plan, DynamicMap map) {
        this.plan = java.util.Objects.requireNonNull(plan, "plan");
        this.length = plan.length();
        this.map = java.util.Objects.requireNonNull(map, "map");
        this.codes = new byte[length];
        this.absmax = new float[plan.blocks()];
        this.float32 = new float[plan.float32Elements()];
        Arrays.fill(codes, (byte) map.zeroCode());
    }

    @Override
    public BlockPlan blockPlan() {
        return plan;
    }

    @Override
    public int blocks() {
        return plan.blocks();
    }

    @Override
    public int blockStart(int block) {
        return plan.start(block);
    }

    @Override
    public int blockLength(int block) {
        return plan.end(block) - plan.start(block);
    }

    /** The float32 blocks' values themselves (kernels, I/O), block after block; empty for a uniform plan. */
    public float[] float32Values() {
        return float32;
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
        int b = plan.blockOf(i);
        return plan.float32(b) ? float32[plan.float32Offset(b) + i - plan.start(b)] : map.value(codes[i]) * absmax[b];
    }

    /** Re-encodes the element's whole block (its absmax may change): for tests and I/O, not for loops. */
    @Override
    public void set(int i, double value) {
        java.util.Objects.checkIndex(i, length);
        int block = plan.blockOf(i);
        float[] tmp = new float[StateFormat.BLOCK];
        decodeBlock(block, tmp);
        tmp[i - plan.start(block)] = (float) value;
        encodeBlock(block, tmp);
    }

    @Override
    public void decodeBlock(int block, float[] dst) {
        if (plan.float32(block)) {
            System.arraycopy(float32, plan.float32Offset(block), dst, 0, blockLength(block));
        } else {
            map.decodeBlock(codes, plan.start(block), absmax[block], dst, 0, blockLength(block));
        }
    }

    /**
     * Encodes the block with the map; for the unsigned map (second moments) a positive value that rounded to 0 is
     * stored as the smallest positive entry instead (3.25e-7·absmax): the "zero-point problem" of Li et al. 2023
     * (Memory Efficient Optimizers with 4-bit States, NeurIPS): an r stored as 0 while its s is not makes the next
     * step s/ε. bitsandbytes' quantize rounds it to 0 (the one place optim4j departs from its quantization); a
     * value that is 0 stays 0, and r is only ever over-estimated by the floor, which makes the step smaller.
     */
    @Override
    public void encodeBlock(int block, float[] src) {
        int n = blockLength(block);
        if (plan.float32(block)) {
            System.arraycopy(src, 0, float32, plan.float32Offset(block), n);
            return;
        }
        int at = plan.start(block);
        map.encodeBlock(src, 0, n, codes, at, absmax, block);
        if (!map.signed()) {
            byte zero = (byte) map.zeroCode(), smallest = (byte) (map.zeroCode() + 1);
            for (int k = 0; k < n; k++) {
                if (codes[at + k] == zero && src[k] > 0) {
                    codes[at + k] = smallest;
                }
            }
        }
    }

    @Override
    public CompressedBuffer copy() {
        Int8BlockBuffer c = new Int8BlockBuffer(plan, map);
        c.copyStorageFrom(this);
        return c;
    }

    /** Whether {@code other} is int8 state of this length, map and block plan: storage that can be copied as is. */
    public boolean sameLayout(CompressedBuffer other) {
        return other instanceof Int8BlockBuffer o && o.length == length && o.map == map && o.plan.equals(plan);
    }

    @Override
    public void copyStorageFrom(CompressedBuffer other) {
        if (!sameLayout(other)) {
            throw new IllegalArgumentException("cannot copy " + other + " into " + this);
        }
        Int8BlockBuffer o = (Int8BlockBuffer) other;
        System.arraycopy(o.codes, 0, codes, 0, length);
        System.arraycopy(o.absmax, 0, absmax, 0, absmax.length);
        System.arraycopy(o.float32, 0, float32, 0, float32.length);
    }

    @Override
    public boolean sameStorage(CompressedBuffer other) {
        if (!sameLayout(other)) {
            return false;
        }
        Int8BlockBuffer o = (Int8BlockBuffer) other;
        return Arrays.equals(codes, o.codes) && sameBits(absmax, o.absmax) && sameBits(float32, o.float32);
    }

    private static boolean sameBits(float[] a, float[] b) {
        for (int k = 0; k < a.length; k++) {
            if (Float.floatToRawIntBits(a[k]) != Float.floatToRawIntBits(b[k])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "Int8BlockBuffer[length=" + length + ", " + map + ", " + plan + "]";
    }
}
