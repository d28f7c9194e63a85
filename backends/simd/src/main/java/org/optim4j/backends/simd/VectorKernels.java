package org.optim4j.backends.simd;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.I2S;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2I;
import org.optim4j.quant.Bf16;
import org.optim4j.quant.Bf16Buffer;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.FloatArrayBuffer;
import org.optim4j.spi.StepScalars;

/**
 * Fused kernels over bf16 state with {@code jdk.incubator.vector} (issue 14): each element's state is decoded,
 * updated and encoded in registers, with no scratch block, because C2 does not vectorise the float ↔ int bit moves
 * of a plain loop. The arithmetic is {@link SimdKernels}' in the same order, with no FMA, and the tail runs the same
 * operations one element at a time, so a step gives the bits of the float32 kernel on decoded state followed by
 * {@link Bf16#encode} (what {@code CompressedStateParityTest} checks), whatever the split.
 *
 * <p>Lane counts match: {@link #F} (the preferred float shape, 512 bits with AVX-512) has as many lanes as
 * {@link #S} (shorts, half the bits) and {@link #B} (bytes, a quarter). Only loaded when
 * {@link VectorSupport#AVAILABLE}.
 */
final class VectorKernels {
    /** The preferred shape: 512 bits with AVX-512 (measured here: 256-bit vectors were ~15% slower in cache). */
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> I = F.withLanes(int.class).check(int.class);
    static final int L = F.length();
    static final VectorSpecies<Short> S = ShortVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(L * 16))
            .check(short.class);
    static final VectorSpecies<Byte> B = ByteVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(L * 8))
            .check(byte.class);

    private VectorKernels() {
    }

    /** The shapes in use; throws if this JVM's vectors are too short for them (then the plain loops are used). */
    static String describe() {
        if (L < 8 || S.length() != L || B.length() != L || I.length() != L) {
            throw new IllegalStateException("unsupported vector shape " + F);
        }
        // Run each conversion once, so a missing intrinsic or shape fails here and not inside a step.
        char[] c = new char[L];
        float[] f = new float[L];
        bf16(bf16(c, 0), c, 0);
        new VectorCodec().encodeInt8(org.optim4j.quant.DynamicMap.SIGNED, f, 0, L, new byte[L], 0);
        return F.vectorBitSize() + "-bit float vectors, " + L + " lanes";
    }

    /** L bf16 values from {@code a[i, i + L)} as floats: widen, shift to the upper half. */
    static FloatVector bf16(char[] a, int i) {
        return ((IntVector) ShortVector.fromCharArray(S, a, i).convertShape(VectorOperators.S2I, I, 0))
                .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** {@link Bf16#encode} of each lane of {@code v} into {@code a[i, i + L)}: nearest even, NaN → 0x7FC0. */
    static void bf16(FloatVector v, char[] a, int i) {
        IntVector bits = v.reinterpretAsInts();
        VectorMask<Integer> nan = bits.and(0x7FFFFFFF).compare(VectorOperators.GT, 0x7F800000);
        IntVector rounded = bits.add(0x7FFF).add(bits.lanewise(VectorOperators.LSHR, 16).and(1))
                .lanewise(VectorOperators.LSHR, 16).blend(0x7FC0, nan);
        ((ShortVector) rounded.convertShape(VectorOperators.I2S, S, 0)).intoCharArray(a, i);
    }

    /**
     * Whether {@link #adam}/{@link #adamW} take these buffers: θ float32; g float32 or bf16; s and r bf16 rounding
     * to nearest (stochastic rounding is left to the block wrapper); then nothing, or a bf16 copy of θ.
     */
    static boolean fits(Buffer[] b) {
        return b.length >= 4 && b[0] instanceof FloatArrayBuffer
                && (b[1] instanceof FloatArrayBuffer || b[1] instanceof Bf16Buffer)
                && b[2] instanceof Bf16Buffer s && !s.stochastic() && b[3] instanceof Bf16Buffer r && !r.stochastic()
                && (b.length == 4 || b.length == 5 && (b[4] == null || b[4] instanceof Bf16Buffer));
    }

    /** θ, g, s, r (bf16), [bf16 copy of θ]: {@link SimdKernels#adam}. */
    static void adam(StepScalars k, Buffer[] b, int from, int to) {
        adamFamily(k, b, from, to, false);
    }

    /** θ, g, s, r (bf16), [bf16 copy of θ]: {@link SimdKernels#adamW}. */
    static void adamW(StepScalars k, Buffer[] b, int from, int to) {
        adamFamily(k, b, from, to, true);
    }

    /**
     * Elements per call of a loop method below {@link #STREAMS_FROM}. (θ's bf16 copy is written in the loop, beside s
     * and r: 16M, mixed with copy, × float32 1.04–1.07 when it was encoded after each chunk, 1.11–1.15 in the loop.)
     */
    private static final int CHUNK = 2048;

    private static void adamFamily(StepScalars k, Buffer[] b, int from, int to, boolean decoupled) {
        float[] theta = ((FloatArrayBuffer) b[0]).array();
        float[] g32 = b[1] instanceof FloatArrayBuffer f ? f.array() : null;
        char[] g16 = g32 == null ? ((Bf16Buffer) b[1]).array() : null;
        char[] s = ((Bf16Buffer) b[2]).array(), r = ((Bf16Buffer) b[3]).array();
        char[] copy = b.length > 4 && b[4] != null ? ((Bf16Buffer) b[4]).array() : null;
        // Adam: [ρ₁, ρ₂, ε, bc₁, bc₂, α]; AdamW: [ρ₁, ρ₂, ε, bc₁, bc₂, λ, α] (as SimdKernels).
        double alpha = decoupled ? k.get(6) : k.get(5);
        AdamScalars c = new AdamScalars((float) k.get(0), (float) (1 - k.get(0)), (float) k.get(1),
                (float) (1 - k.get(1)), (float) k.get(2), (float) (alpha / k.get(3)), (float) (1 / Math.sqrt(k.get(4))),
                decoupled ? (float) (1 - k.get(6) * k.get(5)) : 1f, decoupled, (float) k.gradientScale());
        int half = TWO_STREAMS && to - from >= STREAMS_FROM ? (to - from) / 2 / L * L : 0;
        if (half == 0) {
            for (int at = from; at < to; at += CHUNK) {
                adamBlock(c, theta, g32, g16, s, r, copy, at, Math.min(to, at + CHUNK));
            }
            return;
        }
        // Two streams: [from, from + half) and [from + half, to), STREAM_BLOCK elements of each in turn.
        for (int a = from, z = from + half; ; ) {
            int aEnd = Math.min(from + half, a + STREAM_BLOCK);
            adamBlock(c, theta, g32, g16, s, r, copy, a, aEnd);
            a = aEnd;
            int zEnd = a == from + half ? to : Math.min(to, z + STREAM_BLOCK); // the last turn takes the rest
            adamBlock(c, theta, g32, g16, s, r, copy, z, zEnd);
            z = zEnd;
            if (z == to) {
                return;
            }
        }
    }

    /**
     * Whether a long range is walked as two interleaved streams (issue 14 §1). Out of cache, bf16 Adam's arithmetic
     * per byte is high enough that the hardware prefetchers fall behind one stream per array; two positions per
     * array keep more lines in flight. Measured at 16M (2 threads, CompressedStateBenchmark, in one run): bf16 ÷
     * float32 1.14–1.23 with two streams against 1.04–1.09 with one; a plain C loop (benchmarks/c/compressed.c)
     * shows the same (1.08–1.13 → 1.31–1.33; software prefetch, which Java lacks, 1.40–1.49). In L2 it costs 5–10% (the extra calls), hence {@link #STREAMS_FROM}.
     * {@code -Doptim4j.simd.twoStreams=false} turns it off.
     */
    static final boolean TWO_STREAMS = twoStreams();
    private static boolean twoStreams() {
        String value = System.getProperty("optim4j.simd.twoStreams");
        if (value == null || value.equals("true") || value.equals("false")) {
            return !"false".equals(value);
        }
        org.slf4j.LoggerFactory.getLogger(VectorKernels.class).warn(
                "Ignoring optim4j.simd.twoStreams={}: not true or false; long ranges are walked as two streams", value);
        return true;
    }

    /** Elements of one stream before the other's turn (64, 128 and 256 measured within noise; 32 slower). */
    static final int STREAM_BLOCK = 64;
    /** The shortest range (one thread's part) walked as two streams: 1M elements, past a core's 2 MB L2. */
    static final int STREAMS_FROM = 1 << 20;

    private static void adamBlock(AdamScalars c, float[] theta, float[] g32, char[] g16, char[] s, char[] r,
            char[] copy, int at, int end) {
        int done = g32 != null ? adamLanes(c, theta, g32, s, r, copy, at, end)
                : adamLanes(c, theta, g16, s, r, copy, at, end);
        adamTail(c, theta, g32, g16, s, r, done, end);
        if (copy != null && done < end) {
            VectorCodec.encodeBf16(theta, done, copy, end - done);
        }
    }

    /** Adam's float scalars, rounded once per call as SimdKernels does. */
    private record AdamScalars(float rho1, float oneMinusRho1, float rho2, float oneMinusRho2, float eps,
            float stepSize, float invSqrtBc2, float decay, boolean decoupled, float scale) {
    }

    // One method per gradient format, each a single loop with every conversion written out: C2 (JDK 17) boxes a
    // vector that merges two paths (a phi) or is passed to a method it did not inline (a helper of ours already
    // compiled into a large method is not inlined), an object per vector. AdamW's decay is a blend with a constant
    // mask for the same reason.

    /** The whole vectors of [from, to) with a float32 gradient; returns where they end. */
    private static int adamLanes(AdamScalars c, float[] theta, float[] g, char[] s, char[] r, char[] copy, int from,
            int to) {
        VectorMask<Float> decays = F.maskAll(c.decoupled());
        float scale = c.scale(), rho1 = c.rho1(), oneMinusRho1 = c.oneMinusRho1(), rho2 = c.rho2();
        float oneMinusRho2 = c.oneMinusRho2(), decay = c.decay(), stepSize = c.stepSize();
        float invSqrtBc2 = c.invSqrtBc2(), eps = c.eps();
        int i = from;
        for (; i <= to - L; i += L) {
            FloatVector gi = FloatVector.fromArray(F, g, i).mul(scale);
            FloatVector si = ((IntVector) ShortVector.fromCharArray(S, s, i).convertShape(S2I, I, 0)).lanewise(LSHL, 16)
                    .reinterpretAsFloats()
                    .mul(rho1).add(gi.mul(oneMinusRho1));
            FloatVector ri = ((IntVector) ShortVector.fromCharArray(S, r, i).convertShape(S2I, I, 0)).lanewise(LSHL, 16)
                    .reinterpretAsFloats()
                    .mul(rho2).add(gi.mul(oneMinusRho2).mul(gi));
            IntVector siBits = si.reinterpretAsInts();
            ((ShortVector) siBits.add(0x7FFF).add(siBits.lanewise(LSHR, 16).and(1)).lanewise(LSHR, 16)
                    .blend(0x7FC0, siBits.and(0x7FFFFFFF).compare(GT, 0x7F800000)).convertShape(I2S, S, 0))
                    .intoCharArray(s, i);
            IntVector riBits = ri.reinterpretAsInts();
            ((ShortVector) riBits.add(0x7FFF).add(riBits.lanewise(LSHR, 16).and(1)).lanewise(LSHR, 16)
                    .blend(0x7FC0, riBits.and(0x7FFFFFFF).compare(GT, 0x7F800000)).convertShape(I2S, S, 0))
                    .intoCharArray(r, i);
            FloatVector th = FloatVector.fromArray(F, theta, i);
            FloatVector updated = th.blend(th.mul(decay), decays)
                    .sub(si.mul(stepSize).div(ri.sqrt().mul(invSqrtBc2).add(eps)));
            updated.intoArray(theta, i);
            if (copy != null) { // θ's bf16 copy, written out as s and r are
                IntVector bits = updated.reinterpretAsInts();
                ((ShortVector) bits.add(0x7FFF).add(bits.lanewise(LSHR, 16).and(1)).lanewise(LSHR, 16)
                        .blend(0x7FC0, bits.and(0x7FFFFFFF).compare(GT, 0x7F800000)).convertShape(I2S, S, 0))
                        .intoCharArray(copy, i);
            }
        }
        return i;
    }

    /** The whole vectors of [from, to) with a bf16 gradient; returns where they end. */
    private static int adamLanes(AdamScalars c, float[] theta, char[] g, char[] s, char[] r, char[] copy, int from,
            int to) {
        VectorMask<Float> decays = F.maskAll(c.decoupled());
        float scale = c.scale(), rho1 = c.rho1(), oneMinusRho1 = c.oneMinusRho1(), rho2 = c.rho2();
        float oneMinusRho2 = c.oneMinusRho2(), decay = c.decay(), stepSize = c.stepSize();
        float invSqrtBc2 = c.invSqrtBc2(), eps = c.eps();
        int i = from;
        for (; i <= to - L; i += L) {
            FloatVector gi = ((IntVector) ShortVector.fromCharArray(S, g, i).convertShape(S2I, I, 0)).lanewise(LSHL, 16)
                    .reinterpretAsFloats().mul(scale);
            FloatVector si = ((IntVector) ShortVector.fromCharArray(S, s, i).convertShape(S2I, I, 0)).lanewise(LSHL, 16)
                    .reinterpretAsFloats()
                    .mul(rho1).add(gi.mul(oneMinusRho1));
            FloatVector ri = ((IntVector) ShortVector.fromCharArray(S, r, i).convertShape(S2I, I, 0)).lanewise(LSHL, 16)
                    .reinterpretAsFloats()
                    .mul(rho2).add(gi.mul(oneMinusRho2).mul(gi));
            IntVector siBits = si.reinterpretAsInts();
            ((ShortVector) siBits.add(0x7FFF).add(siBits.lanewise(LSHR, 16).and(1)).lanewise(LSHR, 16)
                    .blend(0x7FC0, siBits.and(0x7FFFFFFF).compare(GT, 0x7F800000)).convertShape(I2S, S, 0))
                    .intoCharArray(s, i);
            IntVector riBits = ri.reinterpretAsInts();
            ((ShortVector) riBits.add(0x7FFF).add(riBits.lanewise(LSHR, 16).and(1)).lanewise(LSHR, 16)
                    .blend(0x7FC0, riBits.and(0x7FFFFFFF).compare(GT, 0x7F800000)).convertShape(I2S, S, 0))
                    .intoCharArray(r, i);
            FloatVector th = FloatVector.fromArray(F, theta, i);
            FloatVector updated = th.blend(th.mul(decay), decays)
                    .sub(si.mul(stepSize).div(ri.sqrt().mul(invSqrtBc2).add(eps)));
            updated.intoArray(theta, i);
            if (copy != null) { // θ's bf16 copy, written out as s and r are
                IntVector bits = updated.reinterpretAsInts();
                ((ShortVector) bits.add(0x7FFF).add(bits.lanewise(LSHR, 16).and(1)).lanewise(LSHR, 16)
                        .blend(0x7FC0, bits.and(0x7FFFFFFF).compare(GT, 0x7F800000)).convertShape(I2S, S, 0))
                        .intoCharArray(copy, i);
            }
        }
        return i;
    }

    /** [from, to) one element at a time, the same operations as the lanes (g32 or g16 is null). */
    private static void adamTail(AdamScalars c, float[] theta, float[] g32, char[] g16, char[] s, char[] r, int from,
            int to) {
        for (int i = from; i < to; i++) {
            float gi = (g32 != null ? g32[i] : Bf16.decode(g16[i])) * c.scale();
            float si = c.rho1() * Bf16.decode(s[i]) + c.oneMinusRho1() * gi;
            float ri = c.rho2() * Bf16.decode(r[i]) + c.oneMinusRho2() * gi * gi;
            s[i] = (char) Bf16.encode(si);
            r[i] = (char) Bf16.encode(ri);
            float th = c.decoupled() ? theta[i] * c.decay() : theta[i];
            theta[i] = th - c.stepSize() * si / ((float) Math.sqrt(ri) * c.invSqrtBc2() + c.eps());
        }
    }
}
