package org.optim4j.spi;

/**
 * Σx² in one read pass, in a fixed order: blocks of {@value #BLOCK} elements counted from the range's start,
 * each summed pairwise (see {@link #block(float[], int, int, float[])}), block sums added in block order in double. A backend that
 * splits the pass across threads at block boundaries and adds the block sums in order gets the same bits
 * whatever its thread count. The result is finite exactly when every element is.
 */
public final class Reductions {
    /** Elements per block. */
    public static final int BLOCK = 1024;

    private Reductions() {
    }

    /** Σx² over {@code [from, to)} of any buffer (float[] directly, element reads otherwise). */
    public static double sumOfSquares(Buffer buffer, int from, int to) {
        if (buffer instanceof FloatArrayBuffer f) {
            return sumOfSquares(f.array(), from, to);
        }
        double total = 0;
        for (int b = from; b < to; b += BLOCK) {
            int end = Math.min(to, b + BLOCK);
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int i = b;
            for (; i + 4 <= end; i += 4) {
                double x0 = buffer.get(i), x1 = buffer.get(i + 1), x2 = buffer.get(i + 2), x3 = buffer.get(i + 3);
                s0 += x0 * x0;
                s1 += x1 * x1;
                s2 += x2 * x2;
                s3 += x3 * x3;
            }
            for (; i < end; i++) {
                double x = buffer.get(i);
                s0 += x * x;
            }
            total += (s0 + s1) + (s2 + s3);
        }
        return total;
    }

    /** Σx² over {@code [from, to)}, block by block. */
    public static double sumOfSquares(float[] a, int from, int to) {
        float[] scratch = SCRATCH.get();
        double total = 0;
        for (int b = from; b < to; b += BLOCK) {
            total += block(a, b, Math.min(to, b + BLOCK), scratch);
        }
        return total;
    }

    /** Per thread: the block's squares, summed in place. */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[BLOCK]);

    /** Σx² of one block {@code [from, to)} (at most {@value #BLOCK} elements), in the fixed order. */
    public static double block(float[] a, int from, int to) {
        return block(a, from, to, SCRATCH.get());
    }

    /**
     * Σx² of one block, vectorised: for a whole block, the squares in float32 into {@code scratch}, then a
     * pairwise sum by halving with constant strides (plain element-wise loops, which C2 turns into SIMD; a running
     * sum would be one serial dependency chain). Pairwise summation errs by a few roundings, far below what a
     * norm or a finiteness test needs. A float32 square overflows for |x| &gt; 1.8e19: then, or for a NaN or ±∞
     * element, the block is summed again in double, so the result is non-finite exactly when an element is.
     * A partial block (a range's last) is summed in double directly.
     */
    static double block(float[] a, int from, int to, float[] s) {
        if (to - from != BLOCK) {
            return exact(a, from, to);
        }
        for (int i = 0; i < BLOCK; i++) {
            float x = a[from + i];
            s[i] = x * x;
        }
        for (int i = 0; i < 512; i++) {
            s[i] += s[i + 512];
        }
        for (int i = 0; i < 256; i++) {
            s[i] += s[i + 256];
        }
        for (int i = 0; i < 128; i++) {
            s[i] += s[i + 128];
        }
        for (int i = 0; i < 64; i++) {
            s[i] += s[i + 64];
        }
        for (int i = 0; i < 32; i++) {
            s[i] += s[i + 32];
        }
        for (int i = 0; i < 16; i++) {
            s[i] += s[i + 16];
        }
        float sum = 0;
        for (int i = 0; i < 16; i++) {
            sum += s[i];
        }
        return Float.isFinite(sum) ? sum : exact(a, from, to);
    }

    private static double exact(float[] a, int from, int to) {
        double s0 = 0, s1 = 0;
        int i = from;
        for (; i + 2 <= to; i += 2) {
            double x0 = a[i], x1 = a[i + 1];
            s0 += x0 * x0;
            s1 += x1 * x1;
        }
        if (i < to) {
            double x = a[i];
            s0 += x * x;
        }
        return s0 + s1;
    }
}
