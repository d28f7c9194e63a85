package org.optim4j.backends.simd;

import static org.optim4j.backends.simd.VectorKernels.B;
import static org.optim4j.backends.simd.VectorKernels.F;
import static org.optim4j.backends.simd.VectorKernels.I;
import static org.optim4j.backends.simd.VectorKernels.L;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
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
 * Fused Adam and AdamW over 8-bit block-wise state ({@link Int8BlockBuffer}, issue 14) with
 * {@code jdk.incubator.vector}. The block wrapper ({@link CompressedKernel} around {@link SimdKernels#adam}) makes
 * five passes over a block: copy θ and g to scratch, decode s and r, update, copy θ back, encode s and r. Here a
 * whole quantized block takes two:
 *
 * <ol>
 *   <li>decode s and r (a gather from the 256-entry map, times the block's absmax), update them, update θ in place
 *       (θ and g read where they are), keep the new s and r in a block of float scratch (L1) and their running
 *       absmax in vector lanes;</li>
 *   <li>encode the scratch into the codes, {@link DynamicMap#quantize} lane-wise with one gather
 *       ({@link Quantizer}), with the second-moment floor of {@link Int8BlockBuffer#encodeBlock} for r (a positive value that rounds to the
 *       code of 0 is stored as the smallest positive entry).</li>
 * </ol>
 *
 * The arithmetic is {@link SimdKernels#adam}'s in the same order, with no FMA, so the result is bit for bit the
 * block wrapper's ({@code CompressedStateParityTest}, {@code VectorInt8KernelsTest}). Blocks that wrapper handles
 * differently are left to it: a block the range cuts (the untouched elements are re-encoded with the new absmax)
 * or whose stored absmax is not finite; a block whose new state holds a NaN or an infinity is encoded by the
 * buffer's own path. A float32 block (a
 * tensor under the int8 minimum size) is updated in its float32 storage directly. Only loaded when
 * {@link VectorSupport#AVAILABLE}.
 *
 * <p>Where the time goes (one thread, 64K in cache, {@code benchmarks/timing/Int8AdamTiming.java}): the four
 * gathers per vector (two decodes, one per encode) dominate; on this Zen 4 each 16-lane gather costs about as much
 * as the rest of the float32 Adam arithmetic of its 16 elements. Tried and not kept: running pass 2 of a block in
 * the same loop as pass 1 of the next (so that memory is read while a block is encoded) was no faster, in cache or
 * at 16M.
 */
final class VectorInt8Kernels {
    /** The block wrapper: the definition, and the path for blocks this kernel does not fuse. */
    private static final Kernel ADAM_BLOCKS = CompressedKernel.step(SimdKernels::adam, 2);
    private static final Kernel ADAMW_BLOCKS = CompressedKernel.step(SimdKernels::adamW, 2);

    private static final Quantizer SIGNED = new Quantizer(DynamicMap.SIGNED);
    private static final Quantizer UNSIGNED = new Quantizer(DynamicMap.UNSIGNED);
    private static final byte SIGNED_ZERO = (byte) DynamicMap.SIGNED.zeroCode();
    private static final byte UNSIGNED_ZERO = (byte) DynamicMap.UNSIGNED.zeroCode();

    /** Per thread: the new s and r of one block, and the gather indices of one vector. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        final float[] s = new float[StateFormat.BLOCK];
        final float[] r = new float[StateFormat.BLOCK];
        /** Lane maxima of |s| (lanes [0, L)) and |r| (lanes [L, 2L)) after pass 1. */
        final float[] max = new float[2 * L];
        final int[] idx = new int[2 * L];
    }

    private VectorInt8Kernels() {
    }

    /**
     * Whether {@link #adam}/{@link #adamW} take these buffers: θ and g float32, s int8 with the signed map and r int8
     * with the unsigned map (the maps {@link org.optim4j.quant.StateMaps} gives Adam's s and r) over one block plan.
     */
    static boolean fits(Buffer[] b) {
        return b.length == 4 && b[0] instanceof FloatArrayBuffer && b[1] instanceof FloatArrayBuffer
                && b[2] instanceof Int8BlockBuffer s && s.map() == DynamicMap.SIGNED
                && b[3] instanceof Int8BlockBuffer r && r.map() == DynamicMap.UNSIGNED
                && (s.blockPlan() == r.blockPlan() || s.blockPlan().equals(r.blockPlan()));
    }

    /** θ, g, s, r (int8): {@link SimdKernels#adam} over decoded state, encoded back. */
    static void adam(StepScalars k, Buffer[] b, int from, int to) {
        family(k, b, from, to, false);
    }

    /** θ, g, s, r (int8): {@link SimdKernels#adamW} over decoded state, encoded back. */
    static void adamW(StepScalars k, Buffer[] b, int from, int to) {
        family(k, b, from, to, true);
    }

    /** Adam's float scalars, rounded once per call as {@link SimdKernels} does. */
    private record Scalars(float rho1, float oneMinusRho1, float rho2, float oneMinusRho2, float eps, float stepSize,
            float invSqrtBc2, float decay, boolean decoupled, float scale) {
    }

    private static void family(StepScalars k, Buffer[] b, int from, int to, boolean decoupled) {
        if (from >= to) {
            return;
        }
        float[] theta = ((FloatArrayBuffer) b[0]).array(), g = ((FloatArrayBuffer) b[1]).array();
        Int8BlockBuffer s = (Int8BlockBuffer) b[2], r = (Int8BlockBuffer) b[3];
        // Adam: [ρ₁, ρ₂, ε, bc₁, bc₂, α]; AdamW: [ρ₁, ρ₂, ε, bc₁, bc₂, λ, α] (as SimdKernels).
        double alpha = decoupled ? k.get(6) : k.get(5);
        Scalars c = new Scalars((float) k.get(0), (float) (1 - k.get(0)), (float) k.get(1), (float) (1 - k.get(1)),
                (float) k.get(2), (float) (alpha / k.get(3)), (float) (1 / Math.sqrt(k.get(4))),
                decoupled ? (float) (1 - k.get(6) * k.get(5)) : 1f, decoupled, (float) k.gradientScale());
        BlockPlan plan = s.blockPlan();
        Scratch x = SCRATCH.get();
        for (int blk = plan.blockOf(from); blk < plan.blocks() && plan.start(blk) < to; blk++) {
            int start = plan.start(blk), end = plan.end(blk);
            int lo = Math.max(from, start), hi = Math.min(to, end);
            if (plan.float32(blk)) {
                int at = plan.float32Offset(blk) - start;
                float32(c, theta, g, s.float32Values(), r.float32Values(), at, lo, hi);
            } else if (lo != start || hi != end || !(s.absmax()[blk] < Float.POSITIVE_INFINITY)
                    || !(r.absmax()[blk] < Float.POSITIVE_INFINITY)) {
                // A NaN scale: FloatVector.mul(float) broadcasts it through Float.floatToIntBits (canonical NaN)
                // until C2 compiles it, so a NaN's payload would depend on JIT state; the wrapper's path is the one
                // to match.
                (decoupled ? ADAMW_BLOCKS : ADAM_BLOCKS).apply(k, b, lo, hi);
            } else {
                quantized(c, theta, g, s, r, blk, start, end - start, x);
            }
        }
    }

    /** A float32 block: elements [lo, hi) of θ and g, at + [lo, hi) of the float32 storage of s and r. */
    private static void float32(Scalars c, float[] theta, float[] g, float[] s, float[] r, int at, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            float gi = g[i] * c.scale();
            float si = c.rho1() * s[at + i] + c.oneMinusRho1() * gi;
            float ri = c.rho2() * r[at + i] + c.oneMinusRho2() * gi * gi;
            s[at + i] = si;
            r[at + i] = ri;
            float th = c.decoupled() ? theta[i] * c.decay() : theta[i];
            theta[i] = th - c.stepSize() * si / ((float) Math.sqrt(ri) * c.invSqrtBc2() + c.eps());
        }
    }

    /** A whole quantized block of n elements from {@code start}: pass 1 (update), then pass 2 (encode). */
    private static void quantized(Scalars c, float[] theta, float[] g, Int8BlockBuffer s, Int8BlockBuffer r, int blk,
            int start, int n, Scratch x) {
        byte[] sCodes = s.codes(), rCodes = r.codes();
        float[] sAbsmax = s.absmax(), rAbsmax = r.absmax();
        float sScale = sAbsmax[blk], rScale = rAbsmax[blk];
        float[] sNew = x.s, rNew = x.r;
        int done = update(c, theta, g, sCodes, rCodes, sScale, rScale, start, n, sNew, rNew, x.max, x.idx);
        float sMax = 0, rMax = 0;
        for (int l = 0; l < L; l++) {
            sMax = Math.max(sMax, x.max[l]);
            rMax = Math.max(rMax, x.max[L + l]);
        }
        float[] sValues = SIGNED.values, rValues = UNSIGNED.values;
        for (int k = done; k < n; k++) { // the tail, one element at a time: the same operations as the lanes
            int i = start + k;
            float gi = g[i] * c.scale();
            float si = c.rho1() * (sValues[sCodes[i] & 0xFF] * sScale) + c.oneMinusRho1() * gi;
            float ri = c.rho2() * (rValues[rCodes[i] & 0xFF] * rScale) + c.oneMinusRho2() * gi * gi;
            sNew[k] = si;
            rNew[k] = ri;
            sMax = Math.max(sMax, Math.abs(si));
            rMax = Math.max(rMax, Math.abs(ri));
            float th = c.decoupled() ? theta[i] * c.decay() : theta[i];
            theta[i] = th - c.stepSize() * si / ((float) Math.sqrt(ri) * c.invSqrtBc2() + c.eps());
        }
        // Pass 2. A NaN's absmax bits depend on the order of the max, and an infinite absmax makes NaN quotients,
        // which the quantizer's table does not cover: such a block takes the buffer's own path.
        if (!(sMax < Float.POSITIVE_INFINITY)) {
            s.encodeBlock(blk, sNew);
        } else {
            encodeSigned(SIGNED, sNew, n, sMax, sCodes, start, SIGNED_ZERO, x.idx);
            sAbsmax[blk] = sMax;
        }
        if (!(rMax < Float.POSITIVE_INFINITY)) {
            r.encodeBlock(blk, rNew);
        } else {
            encode(UNSIGNED, rNew, n, rMax, rCodes, start, UNSIGNED_ZERO, UNSIGNED_ZERO & 0xFF, x.idx);
            rAbsmax[blk] = rMax;
        }
    }

    // Pass 1 and pass 2 are each one loop with every operation written out: C2 (JDK 17) boxes a vector that merges
    // two paths or is passed to a method it did not inline (see VectorKernels). The loop-carried lane maxima are not
    // boxed (measured: the kernel allocates only its Scalars per call).

    /**
     * Pass 1 over the whole vectors of a block: returns how many elements it did (a multiple of L); the lane maxima
     * of |s| and |r| are left in {@code max}.
     */
    private static int update(Scalars c, float[] theta, float[] g, byte[] sCodes, byte[] rCodes, float sScale,
            float rScale, int start, int n, float[] sNew, float[] rNew, float[] max, int[] idx) {
        VectorMask<Float> decays = F.maskAll(c.decoupled());
        float scale = c.scale(), rho1 = c.rho1(), oneMinusRho1 = c.oneMinusRho1(), rho2 = c.rho2();
        float oneMinusRho2 = c.oneMinusRho2(), decay = c.decay(), stepSize = c.stepSize();
        float invSqrtBc2 = c.invSqrtBc2(), eps = c.eps();
        float[] sValues = SIGNED.values, rValues = UNSIGNED.values;
        FloatVector sMax = FloatVector.zero(F), rMax = FloatVector.zero(F);
        int k = 0;
        for (; k <= n - L; k += L) {
            int i = start + k;
            ((IntVector) ByteVector.fromArray(B, sCodes, i).convertShape(VectorOperators.B2I, I, 0)).and(0xFF)
                    .intoArray(idx, 0);
            ((IntVector) ByteVector.fromArray(B, rCodes, i).convertShape(VectorOperators.B2I, I, 0)).and(0xFF)
                    .intoArray(idx, L);
            FloatVector gi = FloatVector.fromArray(F, g, i).mul(scale);
            FloatVector si = FloatVector.fromArray(F, sValues, 0, idx, 0).mul(sScale)
                    .mul(rho1).add(gi.mul(oneMinusRho1));
            FloatVector ri = FloatVector.fromArray(F, rValues, 0, idx, L).mul(rScale)
                    .mul(rho2).add(gi.mul(oneMinusRho2).mul(gi));
            si.intoArray(sNew, k);
            ri.intoArray(rNew, k);
            sMax = sMax.max(si.abs());
            rMax = rMax.max(ri.abs());
            FloatVector th = FloatVector.fromArray(F, theta, i);
            th.blend(th.mul(decay), decays).sub(si.mul(stepSize).div(ri.sqrt().mul(invSqrtBc2).add(eps)))
                    .intoArray(theta, i);
        }
        sMax.intoArray(max, 0);
        rMax.intoArray(max, L);
        return k;
    }

    /**
     * Pass 2: codes[at + k] = the map's nearest index of src[k]/absmax for k in [0, n) ({@link Quantizer}: one
     * gather per vector), an all-zero block the zero code; where the code is {@code floorFrom} (the unsigned map's
     * zero code: the floor of r) and src[k] &gt; 0, the code after it instead. absmax is finite.
     */
    private static void encode(Quantizer t, float[] src, int n, float absmax, byte[] codes, int at, byte zero,
            int floorFrom, int[] idx) {
        if (absmax == 0) {
            java.util.Arrays.fill(codes, at, at + n, zero);
            return;
        }
        int[] entries = t.entries;
        int below = t.base - 1, perSign = t.perSign;
        int k = 0;
        for (; k <= n - L; k += L) {
            FloatVector v = FloatVector.fromArray(F, src, k);
            IntVector bits = v.div(absmax).reinterpretAsInts();
            IntVector negative = bits.lanewise(VectorOperators.ASHR, 31); // 0 or −1
            bits.lanewise(VectorOperators.LSHR, 16).and(0x7FFF).sub(below).max(0).add(negative.and(perSign))
                    .intoArray(idx, 0);
            IntVector e = IntVector.fromArray(I, entries, 0, idx, 0);
            IntVector key = bits.and(0xFFFF).lanewise(VectorOperators.XOR, negative.and(0xFFFF));
            // + 1 where key >= the entry's threshold key: (threshold − key − 1) < 0, both in [0, 0x10000]
            IntVector near = e.lanewise(VectorOperators.LSHR, 17)
                    .add(e.and(0x1FFFF).sub(key).sub(1).lanewise(VectorOperators.LSHR, 31));
            VectorMask<Integer> lift = near.compare(VectorOperators.EQ, floorFrom)
                    .and(v.compare(VectorOperators.GT, 0f).cast(I));
            near = near.blend(floorFrom + 1, lift);
            ((ByteVector) near.convertShape(VectorOperators.I2B, B, 0)).intoArray(codes, at + k);
        }
        for (; k < n; k++) {
            int code = t.map.quantize(src[k] / absmax);
            codes[at + k] = (byte) (code == floorFrom && src[k] > 0 ? code + 1 : code);
        }
    }

    /** {@link #encode} with no floor, for the signed map. */
    private static void encodeSigned(Quantizer t, float[] src, int n, float absmax, byte[] codes, int at, byte zero,
            int[] idx) { // the same as encode without the floor: three operations fewer (1.72 → 1.54 ns/element)
        if (absmax == 0) {
            java.util.Arrays.fill(codes, at, at + n, zero);
            return;
        }
        int[] entries = t.entries;
        int below = t.base - 1, perSign = t.perSign;
        int k = 0;
        for (; k <= n - L; k += L) {
            FloatVector v = FloatVector.fromArray(F, src, k);
            IntVector bits = v.div(absmax).reinterpretAsInts();
            IntVector negative = bits.lanewise(VectorOperators.ASHR, 31); // 0 or −1
            bits.lanewise(VectorOperators.LSHR, 16).and(0x7FFF).sub(below).max(0).add(negative.and(perSign))
                    .intoArray(idx, 0);
            IntVector e = IntVector.fromArray(I, entries, 0, idx, 0);
            IntVector key = bits.and(0xFFFF).lanewise(VectorOperators.XOR, negative.and(0xFFFF));
            // + 1 where key >= the entry's threshold key: (threshold − key − 1) < 0, both in [0, 0x10000]
            IntVector near = e.lanewise(VectorOperators.LSHR, 17)
                    .add(e.and(0x1FFFF).sub(key).sub(1).lanewise(VectorOperators.LSHR, 31));
            ((ByteVector) near.convertShape(VectorOperators.I2B, B, 0)).intoArray(codes, at + k);
        }
        for (; k < n; k++) {
            codes[at + k] = (byte) t.map.quantize(src[k] / absmax);
        }
    }

    /**
     * {@link DynamicMap#quantize} of a quotient q in [−1, 1] with one table load instead of the map's two (bucket,
     * then threshold): per bucket (the upper 16 bits of q, as in the map) one int holds the bucket's nearest index n
     * (bits 17 and up) and the key of the threshold T_n if it lies in the bucket, else 0x10000, never reached (bits 0
     * to 16). A value's key is its lower 16 bits, inverted for a negative value so that the key grows with the value
     * inside a bucket; the index is n + 1 if the key is at least the threshold's key, else n. The buckets below
     * {@link #base} (in magnitude) all hold the same index and no threshold, so they share one entry per sign,
     * which keeps the table at 2·{@link #perSign} entries (the map's own bucket table, 64K bytes, is read through a
     * 4-byte gather and a shift). Checked against the map when built, at every bucket's ends and every threshold.
     */
    static final class Quantizer {
        final DynamicMap map;
        /** The map's 256 entries (decoding). */
        final float[] values;
        /** Per sign (positive first): the shared entry of the small buckets, then buckets base … 0x3F80 (q = 1). */
        final int[] entries;
        /** The smallest bucket magnitude (upper 16 bits without the sign) with an entry of its own. */
        final int base;
        /** Entries per sign. */
        final int perSign;

        Quantizer(DynamicMap map) {
            this.map = map;
            this.values = map.values();
            byte[] near = map.buckets();
            float[] thresholds = map.thresholds();
            int common = Integer.MAX_VALUE;
            for (int sign = 0; sign < 2; sign++) {
                int z = sign << 15, n0 = near[z] & 0xFF, m = 0;
                while (m < 0x3F80 && map.quantize(Float.intBitsToFloat((z + m) << 16)) == n0
                        && map.quantize(bucketEnd(z + m)) == n0) {
                    m++;
                }
                common = Math.min(common, m);
            }
            base = Math.max(common, 1);
            perSign = 1 + 0x3F80 - base + 1;
            entries = new int[2 * perSign];
            for (int sign = 0; sign < 2; sign++) {
                int z = sign << 15;
                entries[sign * perSign] = (near[z] & 0xFF) << 17 | 0x10000;
                for (int m = base; m <= 0x3F80; m++) {
                    int b = z + m, n = near[b] & 0xFF;
                    int key = 0x10000;
                    if (n < 255 && Float.floatToRawIntBits(thresholds[n]) >>> 16 == b) {
                        key = key(Float.floatToRawIntBits(thresholds[n]));
                    }
                    entries[sign * perSign + 1 + m - base] = n << 17 | key;
                }
            }
            for (int b = 0; b < 1 << 16; b++) { // both ends of every bucket in [−1, 1]
                if ((b & 0x7FFF) <= 0x3F80) {
                    check(Float.intBitsToFloat(b << 16));
                    check(bucketEnd(b));
                }
            }
            for (float t : thresholds) { // every threshold and the float before it
                if (Math.abs(t) <= 1) {
                    check(t);
                    check(Math.nextDown(t));
                }
            }
        }

        private static float bucketEnd(int bucket) {
            return Float.intBitsToFloat(bucket << 16 | 0xFFFF);
        }

        private static int key(int bits) {
            return (bits & 0xFFFF) ^ ((bits >> 31) & 0xFFFF);
        }

        /** The scalar form of the vector lookup in {@link #encode}. */
        int quantize(float q) {
            int bits = Float.floatToRawIntBits(q);
            int e = entries[Math.max(((bits >>> 16) & 0x7FFF) - (base - 1), 0) + ((bits >> 31) & perSign)];
            return (e >>> 17) + (((e & 0x1FFFF) - key(bits) - 1) >>> 31);
        }

        private void check(float q) {
            if (quantize(q) != map.quantize(q)) {
                throw new IllegalStateException(map + ": one-gather quantizer gives " + quantize(q) + " for " + q
                        + ", the map " + map.quantize(q));
            }
        }
    }
}
