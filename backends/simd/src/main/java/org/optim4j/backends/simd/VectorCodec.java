package org.optim4j.backends.simd;

import static org.optim4j.backends.simd.VectorKernels.B;
import static org.optim4j.backends.simd.VectorKernels.F;
import static org.optim4j.backends.simd.VectorKernels.I;
import static org.optim4j.backends.simd.VectorKernels.L;
import static org.optim4j.backends.simd.VectorKernels.S;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.I2S;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2I;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.optim4j.quant.Bf16;
import org.optim4j.quant.DynamicMap;
import org.optim4j.quant.QuantCodec;

/**
 * {@link QuantCodec} with {@code jdk.incubator.vector}: the same bits as {@link QuantCodec#SCALAR} for every input
 * ({@code VectorCodecTest}). bf16 is a shift and a narrowing ({@link VectorKernels#bf16}); int8 decoding gathers the
 * 256-entry map by the widened codes, int8 encoding is {@link DynamicMap#quantize} lane-wise: a gather from the
 * bucket table (packed four bytes to an int, so it is 64 KB) and one from the thresholds. Only loaded when
 * {@link VectorSupport#AVAILABLE}.
 */
final class VectorCodec implements QuantCodec {
    /** Per thread: the gather indices of one vector. */
    private static final ThreadLocal<int[][]> INDICES = ThreadLocal.withInitial(() -> new int[2][L]);

    /** A map's tables in the shapes the gathers need (there are two maps, each with its own instance). */
    private static final class Tables {
        final float[] values;
        final float[] thresholds;
        /** The bucket table, four bytes to an int, little end first. */
        final int[] packedBuckets;

        Tables(DynamicMap map) {
            values = map.values();
            thresholds = map.thresholds();
            byte[] b = map.buckets();
            packedBuckets = new int[b.length / 4];
            for (int w = 0; w < packedBuckets.length; w++) {
                packedBuckets[w] = (b[4 * w] & 0xFF) | (b[4 * w + 1] & 0xFF) << 8 | (b[4 * w + 2] & 0xFF) << 16
                        | (b[4 * w + 3] & 0xFF) << 24;
            }
        }
    }

    private static final Tables SIGNED = new Tables(DynamicMap.SIGNED);
    private static final Tables UNSIGNED = new Tables(DynamicMap.UNSIGNED);

    private static Tables tables(DynamicMap map) {
        return map == DynamicMap.SIGNED ? SIGNED : map == DynamicMap.UNSIGNED ? UNSIGNED : null;
    }

    @Override
    public void decodeBf16(char[] src, int from, float[] dst, int dstAt, int count) {
        int k = 0;
        for (; k <= count - L; k += L) {
            ((IntVector) ShortVector.fromCharArray(S, src, from + k).convertShape(S2I, I, 0)).lanewise(LSHL, 16)
                    .reinterpretAsFloats().intoArray(dst, dstAt + k);
        }
        for (; k < count; k++) {
            dst[dstAt + k] = Bf16.decode(src[from + k]);
        }
    }

    @Override
    public void encodeBf16(float[] src, int srcAt, char[] dst, int to, int count) {
        if (srcAt == to) {
            encodeBf16(src, srcAt, dst, count);
        } else {
            encodeBf16Shifted(src, srcAt, dst, to, count);
        }
    }

    /** {@code dst[at + k] = Bf16.encode(src[at + k])} for k in [0, count). */
    static void encodeBf16(float[] src, int at, char[] dst, int count) {
        int k = 0;
        for (; k <= count - L; k += L) {
            IntVector bits = FloatVector.fromArray(F, src, at + k).reinterpretAsInts();
            ((ShortVector) bits.add(0x7FFF).add(bits.lanewise(LSHR, 16).and(1)).lanewise(LSHR, 16)
                    .blend(0x7FC0, bits.and(0x7FFFFFFF).compare(GT, 0x7F800000)).convertShape(I2S, S, 0))
                    .intoCharArray(dst, at + k);
        }
        for (; k < count; k++) {
            dst[at + k] = (char) Bf16.encode(src[at + k]);
        }
    }

    private static void encodeBf16Shifted(float[] src, int srcAt, char[] dst, int to, int count) {
        int k = 0;
        for (; k <= count - L; k += L) {
            IntVector bits = FloatVector.fromArray(F, src, srcAt + k).reinterpretAsInts();
            ((ShortVector) bits.add(0x7FFF).add(bits.lanewise(LSHR, 16).and(1)).lanewise(LSHR, 16)
                    .blend(0x7FC0, bits.and(0x7FFFFFFF).compare(GT, 0x7F800000)).convertShape(I2S, S, 0))
                    .intoCharArray(dst, to + k);
        }
        for (; k < count; k++) {
            dst[to + k] = (char) Bf16.encode(src[srcAt + k]);
        }
    }

    @Override
    public void decodeInt8(DynamicMap map, byte[] codes, int codeAt, float absmax, float[] dst, int dstAt, int count) {
        Tables t = tables(map);
        if (t == null) {
            SCALAR.decodeInt8(map, codes, codeAt, absmax, dst, dstAt, count);
            return;
        }
        int[] idx = INDICES.get()[0];
        int k = 0;
        for (; k <= count - L; k += L) {
            ((IntVector) ByteVector.fromArray(B, codes, codeAt + k).convertShape(VectorOperators.B2I, I, 0))
                    .and(0xFF).intoArray(idx, 0);
            FloatVector.fromArray(F, t.values, 0, idx, 0).mul(absmax).intoArray(dst, dstAt + k);
        }
        for (; k < count; k++) {
            dst[dstAt + k] = t.values[codes[codeAt + k] & 0xFF] * absmax;
        }
    }

    @Override
    public float encodeInt8(DynamicMap map, float[] src, int from, int count, byte[] codes, int codeAt) {
        Tables t = tables(map);
        if (t == null || count < L) {
            return SCALAR.encodeInt8(map, src, from, count, codes, codeAt);
        }
        // absmax: max is exact and order-free, so lanes then a reduction give Math.max's value; a NaN's bits
        // may differ, so a block with a NaN is left to the scalar codec.
        FloatVector mv = FloatVector.zero(F);
        int k = 0;
        for (; k <= count - L; k += L) {
            mv = mv.max(FloatVector.fromArray(F, src, from + k).abs());
        }
        float m = mv.reduceLanes(VectorOperators.MAX);
        for (; k < count; k++) {
            m = Math.max(m, Math.abs(src[from + k]));
        }
        if (Float.isNaN(m)) {
            return SCALAR.encodeInt8(map, src, from, count, codes, codeAt);
        }
        if (m == 0) {
            java.util.Arrays.fill(codes, codeAt, codeAt + count, (byte) map.zeroCode());
            return m;
        }
        int[][] scratch = INDICES.get();
        int[] words = scratch[0], nearest = scratch[1];
        for (k = 0; k <= count - L; k += L) {
            FloatVector q = FloatVector.fromArray(F, src, from + k).div(m);
            IntVector bucket = q.reinterpretAsInts().lanewise(VectorOperators.LSHR, 16);
            bucket.lanewise(VectorOperators.LSHR, 2).intoArray(words, 0);
            IntVector shift = bucket.and(3).lanewise(VectorOperators.LSHL, 3);
            IntVector n = IntVector.fromArray(I, t.packedBuckets, 0, words, 0)
                    .lanewise(VectorOperators.LSHR, shift).and(0xFF);
            n.intoArray(nearest, 0);
            VectorMask<Float> up = q.compare(VectorOperators.GE, FloatVector.fromArray(F, t.thresholds, 0, nearest, 0));
            n = n.blend(n.add(1), up.cast(I));
            ((ByteVector) n.convertShape(VectorOperators.I2B, B, 0)).intoArray(codes, codeAt + k);
        }
        for (; k < count; k++) {
            codes[codeAt + k] = (byte) map.quantize(src[from + k] / m);
        }
        return m;
    }

    @Override
    public String toString() {
        return "jdk.incubator.vector, " + F;
    }
}
