package org.optim4j.backends.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.optim4j.spi.FloatArrayBuffer;
import org.optim4j.spi.Reductions;

/** simd's Σg², split across threads at block boundaries, has the same bits as the one-thread pass, and is the sum. */
class SimdReductionTest {
    @Test
    void splitSumOfSquaresIsBitwiseTheSingleThreadOne() {
        java.util.Random r = new java.util.Random(7);
        for (int n : new int[] {32_768, 65_537, 1_000_003}) {
            float[] a = new float[n];
            double exact = 0;
            for (int i = 0; i < n; i++) {
                a[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3));
                exact += (double) a[i] * a[i];
            }
            double one = Reductions.sumOfSquares(a, 0, n);
            assertEquals(exact, one, 1e-5 * exact, "the sum itself, within float32 lane rounding");
            for (int threads : new int[] {2, 3, 5}) {
                try (SimdBackend b = new SimdBackend(threads, 1024)) {
                    for (int from : new int[] {0, 17}) {
                        assertEquals(Double.doubleToLongBits(Reductions.sumOfSquares(a, from, n)),
                                Double.doubleToLongBits(b.sumOfSquares(FloatArrayBuffer.wrap(a), from, n)),
                                n + " elements from " + from + ", " + threads + " threads");
                    }
                }
            }
            a[n / 3] = 1e20f; // its float32 square overflows: the block is summed again in double, finite
            try (SimdBackend b = new SimdBackend(2, 1024)) {
                double big = b.sumOfSquares(FloatArrayBuffer.wrap(a), 0, n);
                assertTrue(Double.isFinite(big) && big >= 1e40, "a large finite gradient is finite: " + big);
            }
            a[n / 2] = Float.NaN;
            try (SimdBackend b = new SimdBackend(2, 1024)) {
                assertTrue(Double.isNaN(b.sumOfSquares(FloatArrayBuffer.wrap(a), 0, n)));
            }
        }
    }
}
