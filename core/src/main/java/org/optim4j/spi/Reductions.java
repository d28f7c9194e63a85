package org.optim4j.spi;

/**
 * Σx² in one read pass, in a fixed order: blocks of {@value #BLOCK} elements counted from the range's start,
 * each summed by four interleaved double accumulators, block sums added in block order. A backend that
 * splits the pass across threads at block boundaries and adds the block sums in order gets the same bits
 * whatever its thread count. Squares of floats are exact in double, and no sum of fewer than 2³¹ of them
 * can overflow, so the result is finite exactly when every element is.
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
        double total = 0;
        for (int b = from; b < to; b += BLOCK) {
            total += block(a, b, Math.min(to, b + BLOCK));
        }
        return total;
    }

    /** Σx² of one block {@code [from, to)} (at most {@value #BLOCK} elements), in the fixed order. */
    public static double block(float[] a, int from, int to) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = from;
        for (; i + 4 <= to; i += 4) {
            double x0 = a[i], x1 = a[i + 1], x2 = a[i + 2], x3 = a[i + 3];
            s0 += x0 * x0;
            s1 += x1 * x1;
            s2 += x2 * x2;
            s3 += x3 * x3;
        }
        for (; i < to; i++) {
            double x = a[i];
            s0 += x * x;
        }
        return (s0 + s1) + (s2 + s3);
    }
}
