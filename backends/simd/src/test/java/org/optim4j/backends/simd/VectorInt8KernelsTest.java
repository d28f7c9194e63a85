package org.optim4j.backends.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.optim4j.quant.BlockPlan;
import org.optim4j.quant.CompressedKernel;
import org.optim4j.quant.DynamicMap;
import org.optim4j.quant.Int8BlockBuffer;
import org.optim4j.quant.StateFormat;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.FloatArrayBuffer;
import org.optim4j.spi.Kernel;
import org.optim4j.spi.StepScalars;

/**
 * {@link VectorInt8Kernels} gives, bit for bit, the block wrapper's result ({@link CompressedKernel} around
 * {@link SimdKernels#adam}/{@link SimdKernels#adamW}): θ, the codes and the absmax of s and r, over uniform and
 * tensor-aligned plans (float32 blocks, short blocks), ranges that cut blocks, all-zero blocks, values that the
 * second-moment floor lifts, NaN and infinite gradients, and a gradient scale.
 */
class VectorInt8KernelsTest {
    @BeforeAll
    static void needsTheModule() {
        assumeTrue(VectorSupportTest.MODULE, "jdk.incubator.vector not present");
    }

    static final Kernel ADAM_BLOCKS = CompressedKernel.step(SimdKernels::adam, 2);
    static final Kernel ADAMW_BLOCKS = CompressedKernel.step(SimdKernels::adamW, 2);

    /** Adam [ρ₁, ρ₂, ε, bc₁, bc₂, α] at step t (0-based); AdamW appends λ before α. */
    static StepScalars scalars(boolean adamW, long t, double gradientScale) {
        double rho1 = 0.9, rho2 = 0.999;
        double bc1 = 1 - Math.pow(rho1, t + 1), bc2 = 1 - Math.pow(rho2, t + 1);
        double[] v = adamW ? new double[] {rho1, rho2, 1e-8, bc1, bc2, 0.01, 1e-3}
                : new double[] {rho1, rho2, 1e-8, bc1, bc2, 1e-3};
        java.util.List<String> names = java.util.stream.IntStream.range(0, v.length).mapToObj(i -> "k" + i).toList();
        StepScalars s = new StepScalars(names, new int[] {0});
        System.arraycopy(v, 0, s.values(), 0, v.length);
        return s.setStep(t).setGradientScale(gradientScale);
    }

    /** One set of buffers: θ, g, s (signed map), r (unsigned map). */
    static Buffer[] buffers(BlockPlan plan, float[] theta) {
        return new Buffer[] {FloatArrayBuffer.wrap(theta.clone()), FloatArrayBuffer.wrap(new float[plan.length()]),
                new Int8BlockBuffer(plan, DynamicMap.SIGNED), new Int8BlockBuffer(plan, DynamicMap.UNSIGNED)};
    }

    /** Gradients of step t: Gaussian at a scale per block (some blocks 0, some tiny), with a few specials. */
    static float[] gradient(int n, long t, boolean specials) {
        SplittableRandom rnd = new SplittableRandom(1000 + t);
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            int block = i / 700; // not aligned with any plan's blocks
            double scale = switch (block % 5) {
                case 0 -> 1;
                case 1 -> 0; // an all-zero gradient: with zero state, all-zero blocks
                case 2 -> 1e-20; // r's new values are ~1e-43: what the floor keeps from rounding to 0
                case 3 -> 1e3;
                default -> rnd.nextDouble() < 0.5 ? 1e-4 : 10;
            };
            g[i] = (float) (rnd.nextGaussian() * scale);
        }
        if (specials && n > 3000) {
            g[2100] = Float.NaN;
            // two NaN payloads in one block, the first (in index order, which the block's absmax keeps) in a
            // higher lane than the second
            g[6144 + 5] = Float.intBitsToFloat(0x7FC00123);
            g[6144 + 16 + 2] = Float.intBitsToFloat(0x7FC00456);
            g[2999] = Float.POSITIVE_INFINITY;
            g[5] = -0f;
        }
        return g;
    }

    static void compare(BlockPlan plan, boolean adamW, int[][] ranges, boolean specials, double gradientScale) {
        int n = plan.length();
        float[] theta0 = new float[n];
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < n; i++) {
            theta0[i] = (float) rnd.nextGaussian();
        }
        Buffer[] expected = buffers(plan, theta0), actual = buffers(plan, theta0);
        Kernel blocks = adamW ? ADAMW_BLOCKS : ADAM_BLOCKS;
        Kernel fused = adamW ? VectorInt8Kernels::adamW : VectorInt8Kernels::adam;
        assertTrue(VectorInt8Kernels.fits(actual));
        for (int t = 0; t < 6; t++) {
            float[] g = gradient(n, t, specials && t == 4);
            System.arraycopy(g, 0, ((FloatArrayBuffer) expected[1]).array(), 0, n);
            System.arraycopy(g, 0, ((FloatArrayBuffer) actual[1]).array(), 0, n);
            StepScalars k = scalars(adamW, t, gradientScale);
            for (int[] range : ranges) {
                blocks.apply(k, expected, range[0], range[1]);
                fused.apply(k, actual, range[0], range[1]);
            }
            String what = (adamW ? "AdamW" : "Adam") + " over " + plan + ", step " + t;
            assertArrayEquals(((FloatArrayBuffer) expected[0]).array(), ((FloatArrayBuffer) actual[0]).array(),
                    what + ": θ");
            for (int b = 2; b < 4; b++) {
                Int8BlockBuffer e = (Int8BlockBuffer) expected[b], a = (Int8BlockBuffer) actual[b];
                assertArrayEquals(e.codes(), a.codes(), what + ": codes of buffer " + b);
                assertArrayEquals(bits(e.absmax()), bits(a.absmax()), what + ": absmax of buffer " + b);
                assertArrayEquals(bits(e.float32Values()), bits(a.float32Values()), what + ": float32 of " + b);
            }
        }
    }

    /**
     * The raw bits, except that every NaN reads as the canonical one: which NaN the block wrapper itself stores for
     * a block whose absmax was already NaN is not stable (seen: 0x7FC00123 from one wrapper call and 0x7FC00000
     * from another on the same inputs, in one JVM; JIT state is the likely cause), so only "a NaN" is compared.
     */
    static int[] bits(float[] a) {
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = Float.floatToIntBits(a[i]);
        }
        return out;
    }

    static final int N = 9 * StateFormat.BLOCK + 1001;

    @Test
    void uniformBlocksWholeRangeAndCutRanges() {
        BlockPlan plan = BlockPlan.uniform(N);
        for (boolean adamW : new boolean[] {false, true}) {
            compare(plan, adamW, new int[][] {{0, N}}, false, 1);
            // ranges that cut blocks: the untouched elements of a cut block are re-encoded with the new absmax
            compare(plan, adamW, new int[][] {{0, 3000}, {3000, 3001}, {3001, 8192}, {8192, N}}, false, 1);
            compare(plan, adamW, new int[][] {{17, N - 5}}, false, 0.25);
        }
    }

    @Test
    void nanAndInfinityGiveTheWrappersBits() {
        BlockPlan plan = BlockPlan.uniform(N);
        for (boolean adamW : new boolean[] {false, true}) {
            compare(plan, adamW, new int[][] {{0, N}}, true, 1);
        }
    }

    @Test
    void tensorAlignedBlocksWithFloat32Blocks() {
        // tensors of 5000 (int8: 2048 + 2048 + 904), 100 and 3000 (float32 under 4096), 6001 (int8), a gap (int8)
        int[] offsets = {0, 5000, 5100, 8100}, lengths = {5000, 100, 3000, 6001};
        BlockPlan plan = BlockPlan.aligned(15000, offsets, lengths, new int[] {12000}, 4096);
        assertFalse(plan.isUniform());
        for (boolean adamW : new boolean[] {false, true}) {
            compare(plan, adamW, new int[][] {{0, plan.length()}}, true, 1);
            compare(plan, adamW, new int[][] {{0, 5050}, {5050, 9000}, {9000, plan.length()}}, false, 2);
        }
    }

    @Test
    void shortBlocksUnderOneVector() {
        int[] offsets = {0, 5, 4101}, lengths = {5, 4096, 9};
        BlockPlan plan = BlockPlan.aligned(4110, offsets, lengths, new int[0], 0);
        for (boolean adamW : new boolean[] {false, true}) {
            compare(plan, adamW, new int[][] {{0, plan.length()}}, false, 1);
        }
    }

    /** The one-gather quantizer's table gives the map's index for floats in [−1, 1] (random bit patterns). */
    @Test
    void theOneGatherQuantizerIsTheMapsQuantize() {
        for (DynamicMap map : new DynamicMap[] {DynamicMap.SIGNED, DynamicMap.UNSIGNED}) {
            VectorInt8Kernels.Quantizer q = new VectorInt8Kernels.Quantizer(map);
            assertTrue(q.entries.length < 8192, map + ": " + q.entries.length + " entries");
            SplittableRandom rnd = new SplittableRandom(3);
            for (int k = 0; k < 2_000_000; k++) {
                float x = Float.intBitsToFloat(rnd.nextInt());
                if (Math.abs(x) <= 1) {
                    assertEquals(map.quantize(x), q.quantize(x), map + ": " + x);
                }
                float u = (float) (rnd.nextDouble() * 2 - 1);
                assertEquals(map.quantize(u), q.quantize(u), map + ": " + u);
            }
        }
    }
}
