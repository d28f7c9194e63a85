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

    /** θ, g: θ = θ − α·g */
    static void sgd(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), g = a(b[1]);
        float alpha = (float) k.alpha();
        for (int i = from; i < to; i++) {
            theta[i] = theta[i] - alpha * g[i];
        }
    }

    /** θ, g, s: s = ρ·s − α·g; θ = θ + s */
    static void momentum(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), g = a(b[1]), s = a(b[2]);
        float alpha = (float) k.alpha(), rho = (float) k.rho1();
        for (int i = from; i < to; i++) {
            float si = rho * s[i] - alpha * g[i];
            s[i] = si;
            theta[i] = theta[i] + si;
        }
    }

    /** θ̃, g, s: s' = ρ·s − α·g; θ̃ = θ̃ + (1+ρ)·s' − ρ·s; s = s' */
    static void nesterov(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), g = a(b[1]), s = a(b[2]);
        float alpha = (float) k.alpha(), rho = (float) k.rho1(), onePlusRho = (float) (1 + k.rho1());
        for (int i = from; i < to; i++) {
            float sOld = s[i];
            float sNew = rho * sOld - alpha * g[i];
            s[i] = sNew;
            theta[i] = theta[i] + onePlusRho * sNew - rho * sOld;
        }
    }

    /** θ, s, p: p = θ + ρ·s */
    static void nesterovLookahead(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), s = a(b[1]), p = a(b[2]);
        float rho = (float) k.rho1();
        for (int i = from; i < to; i++) {
            p[i] = theta[i] + rho * s[i];
        }
    }

    /** θ, g, r: r = r + g⊙g; θ = θ − α·g/(√r + ε) */
    static void adaGrad(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), g = a(b[1]), r = a(b[2]);
        float alpha = (float) k.alpha(), eps = (float) k.epsilon();
        for (int i = from; i < to; i++) {
            float gi = g[i];
            float ri = r[i] + gi * gi;
            r[i] = ri;
            theta[i] = theta[i] - alpha * gi / ((float) Math.sqrt(ri) + eps);
        }
    }

    /** θ, g, r: r = ρ₂·r + (1−ρ₂)·g⊙g; θ = θ − α·g/(√r + ε) */
    static void rmsProp(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), g = a(b[1]), r = a(b[2]);
        float alpha = (float) k.alpha(), eps = (float) k.epsilon();
        float rho2 = (float) k.rho2(), oneMinusRho2 = (float) (1 - k.rho2());
        for (int i = from; i < to; i++) {
            float gi = g[i];
            float ri = rho2 * r[i] + oneMinusRho2 * gi * gi;
            r[i] = ri;
            theta[i] = theta[i] - alpha * gi / ((float) Math.sqrt(ri) + eps);
        }
    }

    /** θ, g, s, r: s = ρ₁·s + (1−ρ₁)·g; r = ρ₂·r + (1−ρ₂)·g⊙g; θ = θ − (α/bc₁)·s/(√r·(1/√bc₂) + ε) */
    static void adam(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), g = a(b[1]), s = a(b[2]), r = a(b[3]);
        float rho1 = (float) k.rho1(), oneMinusRho1 = (float) (1 - k.rho1());
        float rho2 = (float) k.rho2(), oneMinusRho2 = (float) (1 - k.rho2());
        float stepSize = (float) (k.alpha() / k.biasCorrection1());
        float invSqrtBc2 = (float) (1 / Math.sqrt(k.biasCorrection2()));
        float eps = (float) k.epsilon();
        for (int i = from; i < to; i++) {
            float gi = g[i];
            float si = rho1 * s[i] + oneMinusRho1 * gi;
            float ri = rho2 * r[i] + oneMinusRho2 * gi * gi;
            s[i] = si;
            r[i] = ri;
            theta[i] = theta[i] - stepSize * si / ((float) Math.sqrt(ri) * invSqrtBc2 + eps);
        }
    }
}
