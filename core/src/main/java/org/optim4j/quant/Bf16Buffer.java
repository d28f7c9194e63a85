package org.optim4j.quant;

import java.util.Arrays;
import org.optim4j.spi.Reductions;

/**
 * bfloat16 elements, one {@code char} each (the upper 16 bits of the float32 value, {@link Bf16}).
 *
 * <p>Measured for issue 14 on JDK 17 (C2, AVX-512): a loop that moves bits between float and int
 * ({@code Float.floatToRawIntBits}, {@code Float.intBitsToFloat}) is not vectorised, whatever the storage
 * ({@code char[]}, or two bf16 per {@code int}); a bf16 Adam pass ran at ~3.8 ns/element against ~0.46 for
 * float32 in cache. So the storage is the plain one, and kernels decode and encode block by block through
 * {@link QuantCodec}, which {@code optim4j-simd} replaces with a {@code jdk.incubator.vector} one when the JVM has
 * that module (and fuses Adam and AdamW over bf16 state there).
 */
public final class Bf16Buffer implements CompressedBuffer {
    private final char[] bits;
    /** Whether steps round stochastically, and the seed of their random numbers. */
    private final boolean stochastic;
    private final long seed;

    /** A zeroed buffer that rounds to nearest even. */
    public Bf16Buffer(int length) {
        this(length, false, 0);
    }

    /**
     * A zeroed buffer; with {@code stochastic} a step's new state is rounded up or down at random with
     * probability proportional to closeness ({@link Bf16#encodeStochastic}), the random number of element i at step
     * t being {@link Bf16#random16}(seed, t, i): reproducible, whatever the thread split. Element writes outside a
     * step ({@link #set}, {@link #copyFrom}, checkpoint restores) round to nearest even.
     */
    public Bf16Buffer(int length, boolean stochastic, long seed) {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, got " + length);
        }
        this.bits = new char[length];
        this.stochastic = stochastic;
        this.seed = seed;
    }

    /** True when steps round stochastically. */
    public boolean stochastic() {
        return stochastic;
    }

    @Override
    public void encodeBlock(int block, float[] src, long step) {
        if (!stochastic) {
            encodeBlock(block, src);
            return;
        }
        int at = block * StateFormat.BLOCK, n = blockLength(block);
        for (int k = 0; k < n; k++) {
            bits[at + k] = (char) Bf16.encodeStochastic(src[k], Bf16.random16(seed, step, at + k));
        }
    }

    /** The bf16 bit patterns themselves (kernels, I/O). */
    public char[] array() {
        return bits;
    }

    @Override
    public StateFormat format() {
        return StateFormat.BF16;
    }

    @Override
    public int length() {
        return bits.length;
    }

    @Override
    public double get(int i) {
        return Bf16.decode(bits[i]);
    }

    @Override
    public void set(int i, double value) {
        bits[i] = (char) Bf16.encode((float) value);
    }

    @Override
    public void decodeBlock(int block, float[] dst) {
        QuantCodec.get().decodeBf16(bits, block * StateFormat.BLOCK, dst, 0, blockLength(block));
    }

    @Override
    public void encodeBlock(int block, float[] src) {
        QuantCodec.get().encodeBf16(src, 0, bits, block * StateFormat.BLOCK, blockLength(block));
    }

    /** Per thread: one reduction block of decoded values. */
    private static final ThreadLocal<float[]> DECODED = ThreadLocal.withInitial(() -> new float[Reductions.BLOCK]);

    /**
     * Σx² over {@code [from, to)}: the same bits as {@link Reductions#sumOfSquares(float[], int, int)} over the
     * decoded values (block by block through a per-thread scratch block), so a bf16 gradient is checked and clipped
     * exactly as its float32 decoding would be.
     */
    public double sumOfSquares(int from, int to) {
        float[] tmp = DECODED.get();
        double total = 0;
        for (int b = from; b < to; b += Reductions.BLOCK) {
            int end = Math.min(to, b + Reductions.BLOCK);
            QuantCodec.get().decodeBf16(bits, b, tmp, 0, end - b);
            total += Reductions.block(tmp, 0, end - b);
        }
        return total;
    }

    @Override
    public CompressedBuffer copy() {
        Bf16Buffer c = new Bf16Buffer(bits.length, stochastic, seed);
        System.arraycopy(bits, 0, c.bits, 0, bits.length);
        return c;
    }

    @Override
    public void copyStorageFrom(CompressedBuffer other) {
        if (!(other instanceof Bf16Buffer o) || o.bits.length != bits.length) {
            throw new IllegalArgumentException("cannot copy " + other + " into " + this);
        }
        System.arraycopy(o.bits, 0, bits, 0, bits.length);
    }

    @Override
    public boolean sameStorage(CompressedBuffer other) {
        return other instanceof Bf16Buffer o && Arrays.equals(bits, o.bits);
    }

    @Override
    public String toString() {
        return "Bf16Buffer[length=" + bits.length + "]";
    }
}
