package org.optim4j.backends.nd4j;

import org.nd4j.linalg.api.blas.Level1;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarAdd;
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.DivOp;
import org.nd4j.linalg.api.ops.impl.transforms.same.Square;
import org.nd4j.linalg.api.ops.impl.updaters.AdaGradUpdater;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.api.ops.impl.updaters.NesterovsUpdater;
import org.nd4j.linalg.api.ops.impl.updaters.RmsPropUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.StepScalars;

/**
 * The {@code nd4j} kernels: ND4J's native fused updater op where one computes the spec's rule exactly
 * (with the hyper-parameter mapping stated on each method), BLAS level-1 where the rule is an axpy/scal,
 * and in-place ops otherwise. The native ops compute 1 − ρ and 1 − ρ^(t+1) in the array's precision from ρ
 * rounded to it, which in float32 is far from exact for ρ near 1 (1 − fl(0.9999) = 1.000166e-4); there
 * RMSProp and Adam use a chain of exact in-place ops instead (measured 1–4x slower than the native op here,
 * and exact: the native op left r 1.3e-5 (ρ₂ = 0.999) to 1.7e-4 (0.9999) off, and the update up to 8.3e-5). After an updater op, θ −= update is ND4J's in-place {@code subi}, as in ND4J's
 * own updaters: measured against BLAS axpy for Adam (9 alternating rounds, same run) it was as fast or faster
 * (median 8 vs 4 Mparam/s at 64K, 101 vs 95 at 16M on the loaded build machine).
 *
 * <p>No array is allocated per step: the updater ops write their {@code update} into the state buffer's
 * scratch array (made at the first step), and the state arrays are the ops' outputs, updated in place.
 * The op objects themselves are not free: JMH's GC profiler measured ~9 KB of heap per step for the native
 * updater rules, and each {@code Nd4j.exec} copies its scalar arguments off the heap (16–40 bytes);
 * the BLAS rules (SGD, momentum, look-ahead) allocate no off-heap memory.
 *
 * <p>Scalar slots follow the chains' layouts (see {@code SimdKernels}). These kernels ignore the gradient scale
 * ({@code Nd4jBackend.scalesGradient()} is false), so chains with a leading clip run composed here.
 */
final class Nd4jKernels {
    private Nd4jKernels() {
    }

    /** Buffer {@code b} as an INDArray over elements [from, to): the whole array when the range is whole. */
    private static INDArray a(Buffer b, int from, int to) {
        INDArray x = ((Nd4jBuffer) b).array();
        return from == 0 && to == x.length() ? x : x.get(NDArrayIndex.interval(from, to));
    }

    /** The update scratch belonging to state buffer {@code b}, over [from, to). */
    private static INDArray scratch(Buffer b, int from, int to) {
        INDArray x = ((Nd4jBuffer) b).scratch();
        return from == 0 && to == x.length() ? x : x.get(NDArrayIndex.interval(from, to));
    }

    private static Level1 blas() {
        return Nd4j.getBlasWrapper().level1();
    }

    /** θ = θ − α·g: one BLAS axpy. */
    static void sgd(StepScalars k, Buffer[] b, int from, int to) {
        INDArray theta = a(b[0], from, to), g = a(b[1], from, to);
        blas().axpy(theta.length(), -k.get(0), g, theta);
    }

    /** s = ρ·s − α·g (scal, axpy); θ = θ + s (axpy). No native momentum op computes this convention in one pass. */
    static void momentum(StepScalars k, Buffer[] b, int from, int to) {
        INDArray theta = a(b[0], from, to), g = a(b[1], from, to), s = a(b[2], from, to);
        long n = theta.length();
        blas().scal(n, k.get(1), s);
        blas().axpy(n, -k.get(0), g, s);
        blas().axpy(n, 1, s, theta);
    }

    /**
     * Reparametrised Nesterov with the native {@code NesterovsUpdater(g, s, update, s, α, ρ)}:
     * s' = ρ·s − α·g, update = ρ·s − (1+ρ)·s'; then θ̃ −= update gives θ̃ + (1+ρ)·s' − ρ·s.
     */
    static void nesterov(StepScalars k, Buffer[] b, int from, int to) {
        INDArray theta = a(b[0], from, to), g = a(b[1], from, to), s = a(b[2], from, to);
        INDArray update = scratch(b[2], from, to);
        Nd4j.exec(new NesterovsUpdater(g, s, update, s, k.get(0), k.get(1)));
        theta.subi(update);
    }

    /** θ, p, s: p = θ + ρ·s, a copy and an axpy. */
    static void nesterovLookahead(StepScalars k, Buffer[] b, int from, int to) {
        INDArray theta = a(b[0], from, to), p = a(b[1], from, to), s = a(b[2], from, to);
        p.assign(theta);
        blas().axpy(p.length(), k.get(1), s, p);
    }

    /** Native {@code AdaGradUpdater(g, r, update, r, α, ε)}: r += g², update = α·g/(√r + ε); θ −= update. */
    static void adaGrad(StepScalars k, Buffer[] b, int from, int to) {
        INDArray theta = a(b[0], from, to), g = a(b[1], from, to), r = a(b[2], from, to);
        INDArray update = scratch(b[2], from, to);
        Nd4j.exec(new AdaGradUpdater(g, r, update, r, k.get(1), k.get(0)));
        theta.subi(update);
    }

    /**
     * r = ρ₂·r + (1−ρ₂)·g², θ −= α·g/(√r + ε). With the native {@code RmsPropUpdater(g, r, update, r, α, ρ₂, ε)}
     * (then θ −= update) when that op is exact for this ρ₂ ({@link #opCoefficientExact}); otherwise, e.g. for
     * ρ₂ = 0.999 or 0.9999 in float32, with an exact chain: u = g², r = ρ₂·r (scal), r += (1−ρ₂)·u (axpy),
     * u = √r, u += ε, u = g/u, θ −= α·u (axpy).
     */
    static void rmsProp(StepScalars k, Buffer[] b, int from, int to) {
        INDArray theta = a(b[0], from, to), g = a(b[1], from, to), r = a(b[2], from, to);
        INDArray update = scratch(b[2], from, to);
        if (opCoefficientExact(r, k.get(0))) {
            Nd4j.exec(new RmsPropUpdater(g, r, update, r, k.get(2), k.get(0), k.get(1)));
            theta.subi(update);
            return;
        }
        long n = theta.length();
        Nd4j.exec(new Square(g, update));
        blas().scal(n, k.get(0), r);
        blas().axpy(n, 1 - k.get(0), update, r);
        Nd4j.exec(new Sqrt(r, update));
        Nd4j.exec(new ScalarAdd(update, null, update, k.get(1)));
        Nd4j.exec(new DivOp(g, update, update));
        blas().axpy(n, -k.get(2), update, theta);
    }

    /**
     * Adam. With the native {@code AdamUpdater(g, r, s, update, r, s, α, ρ₁, ρ₂, ε', t)} (then θ −= update) when
     * that op is exact for these ρ₁, ρ₂ at this step ({@link #opCoefficientExact}, {@link #opBiasCorrectionExact}):
     * its update is α·√(1−ρ₂^(t+1))/(1−ρ₁^(t+1)) · s/(√r + ε'), i.e. ε is added to the uncorrected √r, so passing
     * ε' = ε·√(1−ρ₂^(t+1)) makes it the spec's α·ŝ/(√r̂ + ε). Otherwise (e.g. ρ₂ = 0.999, the default, or 0.9999
     * in float32) with an exact chain: s = ρ₁·s + (1−ρ₁)·g (scal, axpy); u = g², r = ρ₂·r + (1−ρ₂)·u (scal, axpy);
     * u = √r + ε·√bc₂; u = s/u; θ −= (α·√bc₂/bc₁)·u (axpy), algebraically the same step.
     */
    static void adam(StepScalars k, Buffer[] b, int from, int to) {
        INDArray theta = a(b[0], from, to), g = a(b[1], from, to), s = a(b[2], from, to), r = a(b[3], from, to);
        INDArray update = scratch(b[2], from, to);
        double sqrtBc2 = Math.sqrt(k.get(4));
        if (opCoefficientExact(r, k.get(0)) && opCoefficientExact(r, k.get(1))
                && opBiasCorrectionExact(r, k.get(0), k.step()) && opBiasCorrectionExact(r, k.get(1), k.step())) {
            int t = (int) Math.min(k.step(), Integer.MAX_VALUE);
            Nd4j.exec(new AdamUpdater(g, r, s, update, r, s, k.get(5), k.get(0), k.get(1), k.get(2) * sqrtBc2, t));
            theta.subi(update);
            return;
        }
        long n = theta.length();
        blas().scal(n, k.get(0), s);
        blas().axpy(n, 1 - k.get(0), g, s);
        Nd4j.exec(new Square(g, update));
        blas().scal(n, k.get(1), r);
        blas().axpy(n, 1 - k.get(1), update, r);
        Nd4j.exec(new Sqrt(r, update));
        Nd4j.exec(new ScalarAdd(update, null, update, k.get(2) * sqrtBc2));
        Nd4j.exec(new DivOp(s, update, update));
        blas().axpy(n, -k.get(5) * sqrtBc2 / k.get(3), update, theta);
    }

    /**
     * Largest relative error allowed in a coefficient that a native updater op computes in the array's precision:
     * 1e-6, a tenth of the parity tolerance (about 17 float32 roundings).
     */
    private static final double OP_TOLERANCE = 1e-6;

    /**
     * Whether an op that rounds ρ to the array's precision and computes 1 − ρ from the rounded value gets 1 − ρ
     * within {@link #OP_TOLERANCE}. Always in float64; in float32 the error is |fl(ρ) − ρ|/(1 − ρ), e.g.
     * 2.4e-7 for ρ = 0.9, 1.3e-5 for 0.999 and 1.7e-4 for 0.9999 (1 − fl(0.9999) = 1.000166e-4).
     */
    private static boolean opCoefficientExact(INDArray like, double rho) {
        if (like.dataType() == DataType.DOUBLE) {
            return true;
        }
        return Math.abs((double) (float) rho - rho) <= OP_TOLERANCE * (1 - rho);
    }

    /**
     * Whether an op that computes 1 − ρ^(t+1) as 1 − pow(fl(ρ), t+1) in float32 stays within {@link #OP_TOLERANCE}:
     * the rounding of ρ carried through the power, (t+1)·ρ^t·|fl(ρ) − ρ|, plus one rounding of the power (2⁻²⁴),
     * relative to 1 − ρ^(t+1).
     */
    private static boolean opBiasCorrectionExact(INDArray like, double rho, long t) {
        if (like.dataType() == DataType.DOUBLE || rho == 0) {
            return true;
        }
        double power = Math.pow(rho, t + 1);
        double error = (t + 1) * Math.pow(rho, t) * Math.abs((double) (float) rho - rho) + 0x1.0p-24;
        return error <= OP_TOLERANCE * (1 - power);
    }
}
