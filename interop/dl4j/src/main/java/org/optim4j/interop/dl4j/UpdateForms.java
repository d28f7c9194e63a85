package org.optim4j.interop.dl4j;

import java.util.Map;
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
import org.optim4j.rule.AdaGrad;
import org.optim4j.rule.Adam;
import org.optim4j.rule.Momentum;
import org.optim4j.rule.Nesterov;
import org.optim4j.rule.RmsProp;
import org.optim4j.rule.Sgd;
import org.optim4j.schedule.Schedule;
import org.optim4j.spi.KernelKey;

/**
 * The {@code nd4j} backend's kernels in update form: the same native ops and BLAS calls with the same scalar
 * mapping (see {@code Nd4jKernels}), but where that kernel ends with θ −= update, these leave the update in
 * the gradient view (DL4J then does θ.subi(update)). Keyed by the chain's {@link KernelKey}; c holds the
 * chain's scalars in chain order, g the gradient (rewritten), s the state views.
 *
 * <p>As in {@code Nd4jKernels}, ND4J's native RMSProp and Adam ops are used only where their coefficients are
 * exact in the array's precision: they round ρ to it and compute 1 − ρ (and 1 − ρ^(t+1)) from the rounded value,
 * in float32 1.3e-5 relative off at ρ₂ = 0.999 and 1.7e-4 at 0.9999. Elsewhere an exact chain of in-place ops
 * leaves the update in the gradient view, with no scratch and no allocation per step (see {@link #rmsProp},
 * {@link #adam}).
 */
final class UpdateForms {
    private UpdateForms() {
    }

    /** One chain's update form. */
    @FunctionalInterface
    interface Form {
        void apply(double[] c, INDArray g, INDArray[] s, int iteration);
    }

    private static final Schedule ANY = Schedule.constant(1);

    static final Map<String, Form> FORMS = Map.of(
            // θ −= α·g: update α·g
            KernelKey.of(new Sgd(ANY)).value(), (c, g, s, t) -> g.muli(c[0]),
            // s = ρ·s − α·g; θ += s: update −s
            KernelKey.of(new Momentum(ANY, 0)).value(), (c, g, s, t) -> {
                Nd4j.getBlasWrapper().level1().scal(s[0].length(), c[1], s[0]);
                Nd4j.getBlasWrapper().level1().axpy(s[0].length(), -c[0], g, s[0]);
                s[0].rsub(0.0, g);
            },
            KernelKey.of(new Nesterov(ANY, 0)).value(), (c, g, s, t) -> Nd4j.exec(new NesterovsUpdater(g, s[0], c[0], c[1])),
            KernelKey.of(new AdaGrad(ANY, 1)).value(), (c, g, s, t) -> Nd4j.exec(new AdaGradUpdater(g, s[0], c[1], c[0])),
            KernelKey.of(new RmsProp(ANY, 0, 1)).value(), UpdateForms::rmsProp,
            KernelKey.of(new Adam(ANY, 0, 0, 1)).value(), UpdateForms::adam,
            ScaleByAdamDl4j.ID + "+" + org.optim4j.transform.ScaleByLearningRate.ID, (c, g, s, t) ->
                    Nd4j.exec(new AdamUpdater(g, s[1], s[0], c[5], c[0], c[1], c[2], t)));

    /**
     * RMSProp, scalars (ρ₂, ε, α): r = ρ₂·r + (1−ρ₂)·g², update α·g/(√r + ε). The native
     * {@code RmsPropUpdater(g, r, α, ρ₂, ε)} where its coefficients are exact ({@link #opCoefficientExact});
     * otherwise (e.g. ρ₂ = 0.999 or 0.9999 in float32) through the native AdaGrad op, whose accumulation
     * r += g² has no coefficient: r = ρ₂/(1−ρ₂)·r (scal), then {@code AdaGradUpdater(g, r, α/√(1−ρ₂), ε/√(1−ρ₂))}
     * makes r = r'/(1−ρ₂) and the update α·g/(√r' + ε) exactly (√(r'/(1−ρ₂)) + ε/√(1−ρ₂) = (√r' + ε)/√(1−ρ₂)),
     * then r = (1−ρ₂)·r (scal). Each coefficient is computed in float64 and rounded once.
     */
    static void rmsProp(double[] c, INDArray g, INDArray[] s, int t) {
        double rho = c[0], eps = c[1], lr = c[2];
        INDArray r = s[0];
        if (opCoefficientExact(r, rho)) {
            Nd4j.exec(new RmsPropUpdater(g, r, lr, rho, eps));
            return;
        }
        long n = r.length();
        double q = Math.sqrt(1 - rho);
        blas().scal(n, rho / (1 - rho), r);
        Nd4j.exec(new AdaGradUpdater(g, r, lr / q, eps / q));
        blas().scal(n, 1 - rho, r);
    }

    /**
     * Adam, scalars (ρ₁, ρ₂, ε, bc₁, bc₂, α), state (s, r). The native {@code AdamUpdater} computes
     * α·√(1−ρ₂^(t+1))/(1−ρ₁^(t+1)) · s/(√r + ε'), ε on the uncorrected √r, so ε' = ε·√bc₂ makes it the spec's
     * α·ŝ/(√r̂ + ε); used where its coefficients and bias corrections are exact ({@link #opCoefficientExact},
     * {@link #opBiasCorrectionExact}). Otherwise (e.g. ρ₂ = 0.999, the default, or 0.9999 in float32) an exact
     * chain in place, the gradient view serving as the scratch once s has read it: s = ρ₁·s + (1−ρ₁)·g (scal,
     * axpy); g = g²; r = ρ₂·r + (1−ρ₂)·g (scal, axpy); g = √r + ε·√bc₂; g = s/g; g = (α·√bc₂/bc₁)·g.
     */
    static void adam(double[] c, INDArray g, INDArray[] s, int t) {
        INDArray m = s[0], r = s[1];
        double sqrtBc2 = Math.sqrt(c[4]);
        if (opCoefficientExact(r, c[0]) && opCoefficientExact(r, c[1])
                && opBiasCorrectionExact(r, c[0], t) && opBiasCorrectionExact(r, c[1], t)) {
            Nd4j.exec(new AdamUpdater(g, r, m, c[5], c[0], c[1], c[2] * sqrtBc2, t));
            return;
        }
        long n = g.length();
        blas().scal(n, c[0], m);
        blas().axpy(n, 1 - c[0], g, m);
        Nd4j.exec(new Square(g, g));
        blas().scal(n, c[1], r);
        blas().axpy(n, 1 - c[1], g, r);
        Nd4j.exec(new Sqrt(r, g));
        Nd4j.exec(new ScalarAdd(g, null, g, c[2] * sqrtBc2));
        Nd4j.exec(new DivOp(m, g, g));
        g.muli(c[5] * sqrtBc2 / c[3]);
    }

    private static Level1 blas() {
        return Nd4j.getBlasWrapper().level1();
    }

    /** Largest relative error allowed in a coefficient a native op computes: 1e-6, as in {@code Nd4jKernels}. */
    private static final double OP_TOLERANCE = 1e-6;

    /**
     * Whether an op that rounds ρ to the array's precision and computes 1 − ρ from the rounded value gets 1 − ρ
     * within {@link #OP_TOLERANCE} (as {@code Nd4jKernels.opCoefficientExact}): always in float64; in float32 the
     * error is |fl(ρ) − ρ|/(1 − ρ), 2.4e-7 for ρ = 0.9, 1.3e-5 for 0.999, 1.7e-4 for 0.9999.
     */
    static boolean opCoefficientExact(INDArray like, double rho) {
        if (like.dataType() == DataType.DOUBLE) {
            return true;
        }
        return Math.abs((double) (float) rho - rho) <= OP_TOLERANCE * (1 - rho);
    }

    /**
     * Whether 1 − pow(fl(ρ), t+1) in float32 stays within {@link #OP_TOLERANCE} of 1 − ρ^(t+1) (as
     * {@code Nd4jKernels.opBiasCorrectionExact}): (t+1)·ρ^t·|fl(ρ) − ρ| plus one rounding of the power.
     */
    static boolean opBiasCorrectionExact(INDArray like, double rho, long t) {
        if (like.dataType() == DataType.DOUBLE || rho == 0) {
            return true;
        }
        double power = Math.pow(rho, t + 1);
        double error = (t + 1) * Math.pow(rho, t) * Math.abs((double) (float) rho - rho) + 0x1.0p-24;
        return error <= OP_TOLERANCE * (1 - power);
    }
}
