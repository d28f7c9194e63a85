package org.optim4j.backends.nd4j;

import org.nd4j.linalg.api.blas.Level1;
import org.nd4j.linalg.api.ndarray.INDArray;
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
 * and in-place ops otherwise. After an updater op, θ −= update is ND4J's in-place {@code subi}, as in ND4J's
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

    /** Native {@code RmsPropUpdater(g, r, update, r, α, ρ₂, ε)}: r = ρ₂·r + (1−ρ₂)·g², update = α·g/(√r + ε); θ −= update. */
    static void rmsProp(StepScalars k, Buffer[] b, int from, int to) {
        INDArray theta = a(b[0], from, to), g = a(b[1], from, to), r = a(b[2], from, to);
        INDArray update = scratch(b[2], from, to);
        Nd4j.exec(new RmsPropUpdater(g, r, update, r, k.get(2), k.get(0), k.get(1)));
        theta.subi(update);
    }

    /**
     * Native {@code AdamUpdater(g, r, s, update, r, s, α, ρ₁, ρ₂, ε', t)}. Its update is
     * α·√(1−ρ₂^(t+1))/(1−ρ₁^(t+1)) · s/(√r + ε'), i.e. ε is added to the uncorrected √r; passing
     * ε' = ε·√(1−ρ₂^(t+1)) makes it exactly the spec's α·ŝ/(√r̂ + ε). Then θ −= update.
     */
    static void adam(StepScalars k, Buffer[] b, int from, int to) {
        INDArray theta = a(b[0], from, to), g = a(b[1], from, to), s = a(b[2], from, to), r = a(b[3], from, to);
        INDArray update = scratch(b[2], from, to);
        double epsilon = k.get(2) * Math.sqrt(k.get(4));
        int t = (int) Math.min(k.step(), Integer.MAX_VALUE);
        Nd4j.exec(new AdamUpdater(g, r, s, update, r, s, k.get(5), k.get(0), k.get(1), epsilon, t));
        theta.subi(update);
    }
}
