// A plain timing loop (see README.md here): where an int8-state Adam step spends its time, in cache, one thread.
// Times, interleaved round by round, best round, ns/element over n elements (blocks of 2048):
//   f32          SimdKernels.adam over float32 state (the float32 kernel)
//   wrapper      the block wrapper: CompressedKernel around SimdKernels.adam (decode, update, encode per block)
//   fused        VectorInt8Kernels.adam (what simd registers for adam@int8)
// and the fused kernel's parts, as copies of its loops with parts left out (same vector code):
//   p1           pass 1: decode s, r (gathers) + update + θ + lane absmax, new s, r to scratch
//   p1-nodecode  pass 1 with s, r read from float arrays instead of gathered from the map (the decode's cost is p1 − this)
//   p1-noabsmax  pass 1 without the lane absmax (its cost is p1 − this)
//   p2           pass 2: encode s and r (one gather each, VectorInt8Kernels.Quantizer; r with the floor)
//   decode       the two gathers of pass 1 alone (codes → values × absmax, into scratch)
// Also prints the bytes the fused kernel allocates per call (0 means C2 boxed no vector).
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import jdk.incubator.vector.*;
import org.optim4j.quant.*;
import org.optim4j.spi.*;

public class Int8AdamTiming {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> I = F.withLanes(int.class).check(int.class);
    static final int L = F.length();
    static final VectorSpecies<Byte> B = ByteVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(L * 8)).check(byte.class);
    static final int BLOCK = StateFormat.BLOCK;

    static Kernel kernel(String cls, String name) throws Exception {
        Method m = Class.forName(cls).getDeclaredMethod(name, StepScalars.class, Buffer[].class, int.class, int.class);
        m.setAccessible(true);
        MethodHandle h = MethodHandles.lookup().unreflect(m);
        return (s, b, f, t) -> {
            try {
                h.invokeExact(s, b, f, t);
            } catch (Throwable e) {
                throw new RuntimeException(e);
            }
        };
    }

    // The tables of the maps, as VectorCodec builds them.
    static float[] sValues = DynamicMap.SIGNED.values(), rValues = DynamicMap.UNSIGNED.values();

    static final float rho1 = 0.9f, om1 = 0.1f, rho2 = 0.999f, om2 = 0.001f, eps = 1e-8f, step = 1e-3f, inv = 1.5f;
    static final float[] sNew = new float[BLOCK], rNew = new float[BLOCK], max = new float[2 * L];
    static final float[] sF = new float[BLOCK], rF = new float[BLOCK];
    static final int[] idx = new int[2 * L];
    static float sFmax, rFmax;

    static void p1(float[] theta, float[] g, byte[] sc, byte[] rc, float sa, float ra, int start) {
        FloatVector ms = FloatVector.zero(F), mr = FloatVector.zero(F);
        for (int k = 0; k <= BLOCK - L; k += L) {
            int i = start + k;
            ((IntVector) ByteVector.fromArray(B, sc, i).convertShape(VectorOperators.B2I, I, 0)).and(0xFF).intoArray(idx, 0);
            ((IntVector) ByteVector.fromArray(B, rc, i).convertShape(VectorOperators.B2I, I, 0)).and(0xFF).intoArray(idx, L);
            FloatVector gi = FloatVector.fromArray(F, g, i);
            FloatVector si = FloatVector.fromArray(F, sValues, 0, idx, 0).mul(sa).mul(rho1).add(gi.mul(om1));
            FloatVector ri = FloatVector.fromArray(F, rValues, 0, idx, L).mul(ra).mul(rho2).add(gi.mul(om2).mul(gi));
            si.intoArray(sNew, k);
            ri.intoArray(rNew, k);
            ms = ms.max(si.abs());
            mr = mr.max(ri.abs());
            FloatVector th = FloatVector.fromArray(F, theta, i);
            th.sub(si.mul(step).div(ri.sqrt().mul(inv).add(eps))).intoArray(theta, i);
        }
        ms.intoArray(max, 0);
        mr.intoArray(max, L);
    }

    static void p1NoDecode(float[] theta, float[] g, float sa, float ra, int start) {
        FloatVector ms = FloatVector.zero(F), mr = FloatVector.zero(F);
        for (int k = 0; k <= BLOCK - L; k += L) {
            int i = start + k;
            FloatVector gi = FloatVector.fromArray(F, g, i);
            FloatVector si = FloatVector.fromArray(F, sF, k).mul(sa).mul(rho1).add(gi.mul(om1));
            FloatVector ri = FloatVector.fromArray(F, rF, k).mul(ra).mul(rho2).add(gi.mul(om2).mul(gi));
            si.intoArray(sNew, k);
            ri.intoArray(rNew, k);
            ms = ms.max(si.abs());
            mr = mr.max(ri.abs());
            FloatVector th = FloatVector.fromArray(F, theta, i);
            th.sub(si.mul(step).div(ri.sqrt().mul(inv).add(eps))).intoArray(theta, i);
        }
        ms.intoArray(max, 0);
        mr.intoArray(max, L);
    }

    static void p1NoAbsmax(float[] theta, float[] g, byte[] sc, byte[] rc, float sa, float ra, int start) {
        for (int k = 0; k <= BLOCK - L; k += L) {
            int i = start + k;
            ((IntVector) ByteVector.fromArray(B, sc, i).convertShape(VectorOperators.B2I, I, 0)).and(0xFF).intoArray(idx, 0);
            ((IntVector) ByteVector.fromArray(B, rc, i).convertShape(VectorOperators.B2I, I, 0)).and(0xFF).intoArray(idx, L);
            FloatVector gi = FloatVector.fromArray(F, g, i);
            FloatVector si = FloatVector.fromArray(F, sValues, 0, idx, 0).mul(sa).mul(rho1).add(gi.mul(om1));
            FloatVector ri = FloatVector.fromArray(F, rValues, 0, idx, L).mul(ra).mul(rho2).add(gi.mul(om2).mul(gi));
            si.intoArray(sNew, k);
            ri.intoArray(rNew, k);
            FloatVector th = FloatVector.fromArray(F, theta, i);
            th.sub(si.mul(step).div(ri.sqrt().mul(inv).add(eps))).intoArray(theta, i);
        }
    }

    static void decode(byte[] sc, byte[] rc, float sa, float ra, int start) {
        for (int k = 0; k <= BLOCK - L; k += L) {
            int i = start + k;
            ((IntVector) ByteVector.fromArray(B, sc, i).convertShape(VectorOperators.B2I, I, 0)).and(0xFF).intoArray(idx, 0);
            ((IntVector) ByteVector.fromArray(B, rc, i).convertShape(VectorOperators.B2I, I, 0)).and(0xFF).intoArray(idx, L);
            FloatVector.fromArray(F, sValues, 0, idx, 0).mul(sa).intoArray(sNew, k);
            FloatVector.fromArray(F, rValues, 0, idx, L).mul(ra).intoArray(rNew, k);
        }
    }

    // The kernel's one-gather quantizer tables (VectorInt8Kernels.Quantizer), read by reflection.
    static int[] sEntries, rEntries;
    static int sBase, sPer, rBase, rPer;

    static void loadQuantizers() throws Exception {
        Class<?> c = Class.forName("org.optim4j.backends.simd.VectorInt8Kernels$Quantizer");
        java.lang.reflect.Constructor<?> k = c.getDeclaredConstructor(DynamicMap.class);
        k.setAccessible(true);
        Object s = k.newInstance(DynamicMap.SIGNED), r = k.newInstance(DynamicMap.UNSIGNED);
        java.lang.reflect.Field e = c.getDeclaredField("entries"), b = c.getDeclaredField("base"), p = c.getDeclaredField("perSign");
        e.setAccessible(true); b.setAccessible(true); p.setAccessible(true);
        sEntries = (int[]) e.get(s); rEntries = (int[]) e.get(r);
        sBase = b.getInt(s); rBase = b.getInt(r); sPer = p.getInt(s); rPer = p.getInt(r);
    }

    static void encode(int[] entries, int base, int perSign, float[] src, float absmax, byte[] codes, int at, int floorFrom) {
        int below = base - 1;
        for (int k = 0; k <= BLOCK - L; k += L) {
            FloatVector v = FloatVector.fromArray(F, src, k);
            IntVector bits = v.div(absmax).reinterpretAsInts();
            IntVector negative = bits.lanewise(VectorOperators.ASHR, 31);
            bits.lanewise(VectorOperators.LSHR, 16).and(0x7FFF).sub(below).max(0).add(negative.and(perSign)).intoArray(idx, 0);
            IntVector e = IntVector.fromArray(I, entries, 0, idx, 0);
            IntVector key = bits.and(0xFFFF).lanewise(VectorOperators.XOR, negative.and(0xFFFF));
            IntVector near = e.lanewise(VectorOperators.LSHR, 17).add(e.and(0x1FFFF).sub(key).sub(1).lanewise(VectorOperators.LSHR, 31));
            VectorMask<Integer> lift = near.compare(VectorOperators.EQ, floorFrom).and(v.compare(VectorOperators.GT, 0f).cast(I));
            near = near.blend(floorFrom + 1, lift);
            ((ByteVector) near.convertShape(VectorOperators.I2B, B, 0)).intoArray(codes, at + k);
        }
    }

    public static void main(String[] a) throws Exception {
        int n = a.length > 0 ? Integer.parseInt(a[0]) : 65536;
        int rounds = a.length > 1 ? Integer.parseInt(a[1]) : 30;
        n -= n % BLOCK;
        loadQuantizers();
        Kernel f32 = kernel("org.optim4j.backends.simd.SimdKernels", "adam");
        Kernel fused = kernel("org.optim4j.backends.simd.VectorInt8Kernels", "adam");
        Kernel wrapper = CompressedKernel.step(f32, 2);
        java.util.Random rnd = new java.util.Random(1);
        float[] theta = new float[n], g = new float[n];
        for (int i = 0; i < n; i++) {
            theta[i] = (float) rnd.nextGaussian();
            g[i] = (float) rnd.nextGaussian() * 1e-2f;
        }
        for (int i = 0; i < BLOCK; i++) {
            sF[i] = (float) rnd.nextGaussian();
            rF[i] = (float) Math.abs(rnd.nextGaussian());
        }
        for (int i = 0; i < BLOCK; i++) {
            sFmax = Math.max(sFmax, Math.abs(sF[i]));
            rFmax = Math.max(rFmax, Math.abs(rF[i]));
        }
        Buffer[] b32 = {FloatArrayBuffer.wrap(theta), FloatArrayBuffer.wrap(g), FloatArrayBuffer.wrap(new float[n]),
                FloatArrayBuffer.wrap(new float[n])};
        Int8BlockBuffer s8 = new Int8BlockBuffer(n, DynamicMap.SIGNED), r8 = new Int8BlockBuffer(n, DynamicMap.UNSIGNED);
        Buffer[] b8 = {b32[0], b32[1], s8, r8};
        StepScalars k = new StepScalars(java.util.List.of("r1", "r2", "e", "b1", "b2", "a"), new int[] {0});
        System.arraycopy(new double[] {0.9, 0.999, 1e-8, 0.1, 0.001, 1e-3}, 0, k.values(), 0, 6);
        // a few steps so that the state is not all zero
        for (int t = 0; t < 5; t++) {
            fused.apply(k, b8, 0, n);
        }
        byte[] sc = s8.codes(), rc = r8.codes();
        float[] sa = s8.absmax(), ra = r8.absmax();
        String[] names = {"f32", "wrapper", "fused", "p1", "p1-nodecode", "p1-noabsmax", "p2", "decode"};
        double[] best = new double[names.length];
        java.util.Arrays.fill(best, 1e99);
        int reps = Math.max(1, (1 << 22) / n);
        byte[] scratchCodes = new byte[n], scratchCodes2 = new byte[n];
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long allocated = 0;
        for (int round = 0; round < rounds; round++) {
            for (int v = 0; v < names.length; v++) {
                long a0 = mx.getCurrentThreadAllocatedBytes();
                long t0 = System.nanoTime();
                for (int rep = 0; rep < reps; rep++) {
                    switch (v) {
                        case 0 -> f32.apply(k, b32, 0, n);
                        case 1 -> wrapper.apply(k, b8, 0, n);
                        case 2 -> fused.apply(k, b8, 0, n);
                        case 3 -> { for (int s = 0; s < n; s += BLOCK) p1(theta, g, sc, rc, sa[s / BLOCK], ra[s / BLOCK], s); }
                        case 4 -> { for (int s = 0; s < n; s += BLOCK) p1NoDecode(theta, g, sa[s / BLOCK], ra[s / BLOCK], s); }
                        case 5 -> { for (int s = 0; s < n; s += BLOCK) p1NoAbsmax(theta, g, sc, rc, sa[s / BLOCK], ra[s / BLOCK], s); }
                        case 6 -> { for (int s = 0; s < n; s += BLOCK) {
                            encode(sEntries, sBase, sPer, sF, sFmax, scratchCodes, s, -1);
                            encode(rEntries, rBase, rPer, rF, rFmax, scratchCodes2, s, DynamicMap.UNSIGNED.zeroCode()); } }
                        default -> { for (int s = 0; s < n; s += BLOCK) decode(sc, rc, sa[s / BLOCK], ra[s / BLOCK], s); }
                    }
                }
                double ns = (System.nanoTime() - t0) / (double) reps / n;
                if (v == 2 && round == rounds - 1) {
                    allocated = (mx.getCurrentThreadAllocatedBytes() - a0) / reps;
                }
                best[v] = Math.min(best[v], ns);
            }
        }
        System.out.println("n = " + n + ", one thread, best of " + rounds + " rounds, " + reps + " calls each");
        for (int v = 0; v < names.length; v++) {
            System.out.printf("%-12s %.3f ns/elem  x f32 %.2f%n", names[v], best[v], best[0] / best[v]);
        }
        System.out.println("fused kernel allocates " + allocated + " bytes per call");
    }
}
