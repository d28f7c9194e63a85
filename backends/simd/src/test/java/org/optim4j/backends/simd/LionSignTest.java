package org.optim4j.backends.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The branch-free sign of the fused Lion kernel is Math.signum on every kind of float. */
class LionSignTest {
    @Test
    void branchFreeSignIsSignum() {
        float[] values = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -1e-30f, 1e-7f, 0.5f, -1f, 3f,
                -7e20f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        for (float c : values) {
            assertEquals(Float.floatToIntBits(Math.signum(c)), Float.floatToIntBits(SimdKernels.sign(c)), "sign(" + c + ")");
        }
        java.util.Random random = new java.util.Random(11);
        for (int i = 0; i < 100_000; i++) {
            float c = Float.intBitsToFloat(random.nextInt());
            assertEquals(Float.floatToIntBits(Math.signum(c)), Float.floatToIntBits(SimdKernels.sign(c)), "sign(" + c + ")");
        }
    }
}
