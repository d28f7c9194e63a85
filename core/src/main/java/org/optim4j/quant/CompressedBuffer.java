package org.optim4j.quant;

import org.optim4j.spi.Buffer;

/**
 * A state buffer stored in a compressed {@link StateFormat}, read and written a block (of at most
 * {@value StateFormat#BLOCK} elements, cut by its {@link #blockPlan()}) at a time by kernels (element accessors
 * exist for tests and I/O and are slow for int8, whose {@link #set} re-encodes the element's block). Values read
 * are float32.
 */
public sealed interface CompressedBuffer extends Buffer permits Bf16Buffer, Int8BlockBuffer {

    StateFormat format();

    /**
     * How the buffer is cut into blocks: uniform blocks of {@value StateFormat#BLOCK} unless the buffer says
     * otherwise (int8 state aligned to tensors, {@link Int8BlockBuffer}). The blocks methods below follow it.
     */
    default BlockPlan blockPlan() {
        return BlockPlan.uniform(length());
    }

    /** Number of blocks (the last may be partial). */
    default int blocks() {
        return (length() + StateFormat.BLOCK - 1) / StateFormat.BLOCK;
    }

    /** The first element of block {@code block}. */
    default int blockStart(int block) {
        return block * StateFormat.BLOCK;
    }

    /** Decodes block {@code block} into {@code dst[0, count)}, count = the block's length. */
    void decodeBlock(int block, float[] dst);

    /** Encodes {@code src[0, count)} as block {@code block} (count = the block's length). */
    void encodeBlock(int block, float[] src);

    /**
     * {@link #encodeBlock(int, float[])} as the new state of step {@code step}: the same unless the buffer rounds
     * stochastically, whose random numbers depend on the step and the element index only.
     */
    default void encodeBlock(int block, float[] src, long step) {
        encodeBlock(block, src);
    }

    /** A deep copy. */
    CompressedBuffer copy();

    /** Overwrites this buffer's storage with {@code other}'s, which must have this format, map and length. */
    void copyStorageFrom(CompressedBuffer other);

    /** Bit-for-bit equality of the stored representation. */
    boolean sameStorage(CompressedBuffer other);

    @Override
    default Precision precision() {
        return Precision.FLOAT32;
    }

    /** The length of block {@code block}. */
    default int blockLength(int block) {
        return Math.min(StateFormat.BLOCK, length() - block * StateFormat.BLOCK);
    }

    @Override
    default float[] toFloatArray() {
        float[] out = new float[length()];
        float[] tmp = new float[StateFormat.BLOCK];
        for (int b = 0; b < blocks(); b++) {
            decodeBlock(b, tmp);
            System.arraycopy(tmp, 0, out, blockStart(b), blockLength(b));
        }
        return out;
    }

    @Override
    default void copyFrom(float[] src) {
        if (src.length != length()) {
            throw new IllegalArgumentException(
                    "source length " + src.length + " does not match buffer length " + length());
        }
        float[] tmp = new float[StateFormat.BLOCK];
        for (int b = 0; b < blocks(); b++) {
            System.arraycopy(src, blockStart(b), tmp, 0, blockLength(b));
            encodeBlock(b, tmp);
        }
    }

    /** A zero-filled buffer of {@code length} elements in {@code format} (not FLOAT32); int8 with {@code map}. */
    static CompressedBuffer zeros(StateFormat format, int length, DynamicMap map) {
        return switch (format) {
            case BF16 -> new Bf16Buffer(length);
            case INT8 -> new Int8BlockBuffer(length, map);
            case FLOAT32 -> throw new IllegalArgumentException("float32 state is not compressed");
        };
    }
}
