package org.optim4j.backends.simd;

import org.optim4j.spi.Buffer;
import org.optim4j.spi.FloatArrayBuffer;
import org.optim4j.spi.StepScalars;

/**
 * The {@code simd} kernels: one fused pass per rule over {@code float[]}, in float32 arithmetic,
 * written as plain counted loops that C2 auto-vectorises (AVX2/AVX-512 on x86, NEON on ARM).
 *
 * <p>Why plain loops and not {@code jdk.incubator.vector}: measured on JDK 17 (see the report of issue 3
 * and DESIGN.md §1) the Vector API was no faster for any rule, and plain loops need no incubator module
 * and no fallback. Java never contracts {@code a*b+c} into an FMA and {@code (float) Math.sqrt(x)} is
 * correctly rounded, so the vectorised body and the scalar pre/post loops give bitwise-equal results:
 * any split of {@code [from, to)} across threads gives the same bits.
 *
 * <p>Per-step scalars are rounded to float once per call; Adam's bias corrections are folded into a
 * step size α/bc₁ and a factor 1/√bc₂ (algebraically the spec's ŝ/(√r̂ + ε)).
 */
final class SimdKernels {
    private SimdKernels() {
    }

    private static float[] a(Buffer b) {
        return ((FloatArrayBuffer) b).array();
    }

    // Scalar slots follow the chains' layouts (KernelKey): scale_by_learning_rate [α]; trace and nesterov_trace [ρ];
    // scale_by_adagrad [ε]; scale_by_rms [ρ₂, ε]; scale_by_adam [ρ₁, ρ₂, ε, bc₁, bc₂]. The gradient scale (a leading
    // clip) is folded into α where the rule is linear in g, and multiplied into g otherwise; it is 1 unless clipping.

    /** θ, g: θ = θ − α·g */
    static void sgd(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), g = a(b[1]);
        float alpha = (float) (k.get(0) * k.gradientScale());
        for (int i = from; i < to; i++) {
            theta[i] = theta[i] - alpha * g[i];
        }
    }

    /** θ, g, s: s = ρ·s − α·g; θ = θ + s */
    static void momentum(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), g = a(b[1]), s = a(b[2]);
        float alpha = (float) (k.get(0) * k.gradientScale()), rho = (float) k.get(1);
        for (int i = from; i < to; i++) {
            float si = rho * s[i] - alpha * g[i];
            s[i] = si;
            theta[i] = theta[i] + si;
        }
    }

    /** θ̃, g, s: s' = ρ·s − α·g; θ̃ = θ̃ + (1+ρ)·s' − ρ·s; s = s' */
    static void nesterov(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), g = a(b[1]), s = a(b[2]);
        float alpha = (float) (k.get(0) * k.gradientScale()), rho = (float) k.get(1), onePlusRho = (float) (1 + k.get(1));
        for (int i = from; i < to; i++) {
            float sOld = s[i];
            float sNew = rho * sOld - alpha * g[i];
            s[i] = sNew;
            theta[i] = theta[i] + onePlusRho * sNew - rho * sOld;
        }
    }

    /** θ, p, s (Nesterov's chain): p = θ + ρ·s */
    static void nesterovLookahead(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), p = a(b[1]), s = a(b[2]);
        float rho = (float) k.get(1);
        for (int i = from; i < to; i++) {
            p[i] = theta[i] + rho * s[i];
        }
    }

    /** θ, g, r: r = r + g⊙g; θ = θ − α·g/(√r + ε) */
    static void adaGrad(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), g = a(b[1]), r = a(b[2]);
        float eps = (float) k.get(0), alpha = (float) k.get(1), scale = (float) k.gradientScale();
        for (int i = from; i < to; i++) {
            float gi = g[i] * scale;
            float ri = r[i] + gi * gi;
            r[i] = ri;
            theta[i] = theta[i] - alpha * gi / ((float) Math.sqrt(ri) + eps);
        }
    }

    /** θ, g, r: r = ρ₂·r + (1−ρ₂)·g⊙g; θ = θ − α·g/(√r + ε) */
    static void rmsProp(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), g = a(b[1]), r = a(b[2]);
        float rho2 = (float) k.get(0), oneMinusRho2 = (float) (1 - k.get(0));
        float eps = (float) k.get(1), alpha = (float) k.get(2), scale = (float) k.gradientScale();
        for (int i = from; i < to; i++) {
            float gi = g[i] * scale;
            float ri = rho2 * r[i] + oneMinusRho2 * gi * gi;
            r[i] = ri;
            theta[i] = theta[i] - alpha * gi / ((float) Math.sqrt(ri) + eps);
        }
    }

    /** θ, g, s, r: s = ρ₁·s + (1−ρ₁)·g; r = ρ₂·r + (1−ρ₂)·g⊙g; θ = θ − (α/bc₁)·s/(√r·(1/√bc₂) + ε) */
    static void adam(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), g = a(b[1]), s = a(b[2]), r = a(b[3]);
        float rho1 = (float) k.get(0), oneMinusRho1 = (float) (1 - k.get(0));
        float rho2 = (float) k.get(1), oneMinusRho2 = (float) (1 - k.get(1));
        float eps = (float) k.get(2);
        float stepSize = (float) (k.get(5) / k.get(3));
        float invSqrtBc2 = (float) (1 / Math.sqrt(k.get(4)));
        float scale = (float) k.gradientScale();
        for (int i = from; i < to; i++) {
            float gi = g[i] * scale;
            float si = rho1 * s[i] + oneMinusRho1 * gi;
            float ri = rho2 * r[i] + oneMinusRho2 * gi * gi;
            s[i] = si;
            r[i] = ri;
            theta[i] = theta[i] - stepSize * si / ((float) Math.sqrt(ri) * invSqrtBc2 + eps);
        }
    }

    /** θ, g, s, r (AdamW): as Adam, plus decoupled decay folded in: θ = θ·(1 − α·λ) − (α/bc₁)·s/(√r/√bc₂ + ε) */
    static void adamW(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), g = a(b[1]), s = a(b[2]), r = a(b[3]);
        float rho1 = (float) k.get(0), oneMinusRho1 = (float) (1 - k.get(0));
        float rho2 = (float) k.get(1), oneMinusRho2 = (float) (1 - k.get(1));
        float eps = (float) k.get(2);
        float stepSize = (float) (k.get(6) / k.get(3));
        float invSqrtBc2 = (float) (1 / Math.sqrt(k.get(4)));
        float decay = (float) (1 - k.get(6) * k.get(5));
        float scale = (float) k.gradientScale();
        for (int i = from; i < to; i++) {
            float gi = g[i] * scale;
            float si = rho1 * s[i] + oneMinusRho1 * gi;
            float ri = rho2 * r[i] + oneMinusRho2 * gi * gi;
            s[i] = si;
            r[i] = ri;
            theta[i] = theta[i] * decay - stepSize * si / ((float) Math.sqrt(ri) * invSqrtBc2 + eps);
        }
    }

    // Issue 11. scale_by_amsgrad [ρ₁, ρ₂, ε, bc₁, bc₂]; scale_by_nadam [ρ₁, ρ₂, ε, bc₂, c_g, c_s];
    // scale_by_lion [ρ₁, ρ₂]; scale_by_centered_rms [ρ₂, ε]; then the chain's add_decayed_weights [λ], trace [ρ],
    // scale_by_learning_rate [α] in chain order.

    /** θ, g, s, r, r_max (AMSGrad): Adam's s, r; r_max = max(r_max, r); θ = θ − (α/bc₁)·s/(√r_max/√bc₂ + ε) */
    static void amsGrad(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), g = a(b[1]), s = a(b[2]), r = a(b[3]), rMax = a(b[4]);
        float rho1 = (float) k.get(0), oneMinusRho1 = (float) (1 - k.get(0));
        float rho2 = (float) k.get(1), oneMinusRho2 = (float) (1 - k.get(1));
        float eps = (float) k.get(2);
        float stepSize = (float) (k.get(5) / k.get(3));
        float invSqrtBc2 = (float) (1 / Math.sqrt(k.get(4)));
        float scale = (float) k.gradientScale();
        for (int i = from; i < to; i++) {
            float gi = g[i] * scale;
            float si = rho1 * s[i] + oneMinusRho1 * gi;
            float ri = rho2 * r[i] + oneMinusRho2 * gi * gi;
            float mi = Math.max(rMax[i], ri);
            s[i] = si;
            r[i] = ri;
            rMax[i] = mi;
            theta[i] = theta[i] - stepSize * si / ((float) Math.sqrt(mi) * invSqrtBc2 + eps);
        }
    }

    /** θ, g, s, r, r_max (AdamW + AMSGrad): as amsGrad, θ first scaled by 1 − α·λ */
    static void adamWAmsGrad(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), g = a(b[1]), s = a(b[2]), r = a(b[3]), rMax = a(b[4]);
        float rho1 = (float) k.get(0), oneMinusRho1 = (float) (1 - k.get(0));
        float rho2 = (float) k.get(1), oneMinusRho2 = (float) (1 - k.get(1));
        float eps = (float) k.get(2);
        float stepSize = (float) (k.get(6) / k.get(3));
        float invSqrtBc2 = (float) (1 / Math.sqrt(k.get(4)));
        float decay = (float) (1 - k.get(6) * k.get(5));
        float scale = (float) k.gradientScale();
        for (int i = from; i < to; i++) {
            float gi = g[i] * scale;
            float si = rho1 * s[i] + oneMinusRho1 * gi;
            float ri = rho2 * r[i] + oneMinusRho2 * gi * gi;
            float mi = Math.max(rMax[i], ri);
            s[i] = si;
            r[i] = ri;
            rMax[i] = mi;
            theta[i] = theta[i] * decay - stepSize * si / ((float) Math.sqrt(mi) * invSqrtBc2 + eps);
        }
    }

    /** θ, g, s, r (NAdam): Adam's s, r; d = √r/√bc₂ + ε; θ = θ − (α·c_g·g + α·c_s·s)/d */
    static void nAdam(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), g = a(b[1]), s = a(b[2]), r = a(b[3]);
        float rho1 = (float) k.get(0), oneMinusRho1 = (float) (1 - k.get(0));
        float rho2 = (float) k.get(1), oneMinusRho2 = (float) (1 - k.get(1));
        float eps = (float) k.get(2);
        float invSqrtBc2 = (float) (1 / Math.sqrt(k.get(3)));
        float cg = (float) (k.get(6) * k.get(4)), cs = (float) (k.get(6) * k.get(5));
        float scale = (float) k.gradientScale();
        for (int i = from; i < to; i++) {
            float gi = g[i] * scale;
            float si = rho1 * s[i] + oneMinusRho1 * gi;
            float ri = rho2 * r[i] + oneMinusRho2 * gi * gi;
            s[i] = si;
            r[i] = ri;
            theta[i] = theta[i] - (cg * gi + cs * si) / ((float) Math.sqrt(ri) * invSqrtBc2 + eps);
        }
    }

    /** θ, g, s (Lion): c = (1−ρ₁)·g + ρ₁·s; θ = θ·(1 − α·λ) − α·sign(c); s = ρ₂·s + (1−ρ₂)·g */
    static void lion(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), g = a(b[1]), s = a(b[2]);
        float rho1 = (float) k.get(0), oneMinusRho1 = (float) (1 - k.get(0));
        float rho2 = (float) k.get(1), oneMinusRho2 = (float) (1 - k.get(1));
        float alpha = (float) k.get(3), decay = (float) (1 - k.get(3) * k.get(2));
        float scale = (float) k.gradientScale();
        for (int i = from; i < to; i++) {
            float gi = g[i] * scale;
            float si = s[i];
            float c = oneMinusRho1 * gi + rho1 * si;
            s[i] = rho2 * si + oneMinusRho2 * gi;
            theta[i] = theta[i] * decay - alpha * sign(c);
        }
    }

    /**
     * sign(c) ∈ {−1, ±0, 1} (NaN for NaN), branch-free so that C2 vectorises it: Math.signum does not (measured 10×
     * slower on JDK 17). Two exact scalings by 2^100 take any non-zero float, subnormals included, beyond ±1,
     * and the clamp brings it back to ±1.
     */
    static float sign(float c) {
        return Math.min(Math.max(c * 0x1p100f * 0x1p100f, -1f), 1f);
    }

    /** θ, g, r, m (centered RMSProp): r, m averages of g⊙g, g; θ = θ − α·g/(√(r − m⊙m) + ε) */
    static void rmsPropCentered(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), g = a(b[1]), r = a(b[2]), m = a(b[3]);
        float rho2 = (float) k.get(0), oneMinusRho2 = (float) (1 - k.get(0));
        float eps = (float) k.get(1), alpha = (float) k.get(2), scale = (float) k.gradientScale();
        for (int i = from; i < to; i++) {
            float gi = g[i] * scale;
            float ri = rho2 * r[i] + oneMinusRho2 * gi * gi;
            float mi = rho2 * m[i] + oneMinusRho2 * gi;
            r[i] = ri;
            m[i] = mi;
            theta[i] = theta[i] - alpha * gi / ((float) Math.sqrt(ri - mi * mi) + eps);
        }
    }

    /** θ, g, r, m, s (centered RMSProp with momentum ρ): s = ρ·s + g/(√(r − m⊙m) + ε); θ = θ − α·s */
    static void rmsPropCenteredMomentum(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), g = a(b[1]), r = a(b[2]), m = a(b[3]), s = a(b[4]);
        float rho2 = (float) k.get(0), oneMinusRho2 = (float) (1 - k.get(0));
        float eps = (float) k.get(1), rho = (float) k.get(2), alpha = (float) k.get(3);
        float scale = (float) k.gradientScale();
        for (int i = from; i < to; i++) {
            float gi = g[i] * scale;
            float ri = rho2 * r[i] + oneMinusRho2 * gi * gi;
            float mi = rho2 * m[i] + oneMinusRho2 * gi;
            float si = rho * s[i] + gi / ((float) Math.sqrt(ri - mi * mi) + eps);
            r[i] = ri;
            m[i] = mi;
            s[i] = si;
            theta[i] = theta[i] - alpha * si;
        }
    }
}
