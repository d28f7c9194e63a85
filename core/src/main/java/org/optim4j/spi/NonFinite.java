package org.optim4j.spi;

/**
 * Finds the first NaN or ±Infinity in a buffer: the check behind the optimizer's non-finite gradient
 * policy and the default of {@link Backend#firstNonFinite(Buffer, int, int)}.
 *
 * <p>Over a {@code float[]} it scans blocks with a branch-free integer max over the magnitude bits,
 * which C2 vectorises; only a block that holds a non-finite value is scanned again element by element
 * to find the index. Any other buffer is read through {@link Buffer#get(int)}.
 */
public final class NonFinite {
    /** Elements per block: small enough to stay in L1, large enough to amortise the block test. */
    private static final int BLOCK = 2048;
    /** Bits of a float with every exponent bit set: ±Infinity; anything above is a NaN. */
    private static final int EXPONENT_ALL_ONES = 0x7f800000;

    private NonFinite() {
    }

    /** The first index in {@code [from, to)} holding NaN or ±Infinity, or −1 if every element is finite. */
    public static int firstIndex(Buffer buffer, int from, int to) {
        checkRange(buffer, from, to);
        if (buffer instanceof FloatArrayBuffer) {
            return firstIndex(((FloatArrayBuffer) buffer).array(), from, to);
        }
        for (int i = from; i < to; i++) {
            if (!Double.isFinite(buffer.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /** The first index in {@code [from, to)} of {@code a} holding NaN or ±Infinity, or −1. */
    public static int firstIndex(float[] a, int from, int to) {
        if (from < 0 || to > a.length || from > to) {
            throw new IllegalArgumentException("range [" + from + ", " + to + ") is not inside an array of length "
                    + a.length);
        }
        for (int start = from; start < to; start += BLOCK) {
            int end = Math.min(to, start + BLOCK);
            int max = 0;
            for (int i = start; i < end; i++) {
                max = Math.max(max, Float.floatToRawIntBits(a[i]) & 0x7fffffff);
            }
            if (max >= EXPONENT_ALL_ONES) {
                for (int i = start; i < end; i++) {
                    if (!Float.isFinite(a[i])) {
                        return i;
                    }
                }
            }
        }
        return -1;
    }

    private static void checkRange(Buffer buffer, int from, int to) {
        if (buffer == null) {
            throw new IllegalArgumentException("buffer must not be null");
        }
        if (from < 0 || to > buffer.length() || from > to) {
            throw new IllegalArgumentException("range [" + from + ", " + to + ") is not inside a buffer of length "
                    + buffer.length());
        }
    }
}
