package org.optim4j.backend.scalar;

import org.optim4j.spi.Buffer;
import org.optim4j.spi.FloatArrayBuffer;
import org.optim4j.spi.StepScalars;

/**
 * The reference kernels: one method per rule, each line one equation of the spec.
 * Arithmetic in double; every stored value rounded once to float32.
 */
final class ScalarKernels {
    private ScalarKernels() {
    }

    private static float[] a(Buffer b) {
        return ((FloatArrayBuffer) b).array();
    }

    /** θ = θ − α·g */
    static void sgd(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), g = a(b[1]);
        double alpha = k.alpha();
        for (int i = from; i < to; i++) {
            theta[i] = (float) (theta[i] - alpha * g[i]);
        }
    }

    /** s = ρ·s − α·g; θ = θ + s */
    static void momentum(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), g = a(b[1]), s = a(b[2]);
        double alpha = k.alpha(), rho = k.rho1();
        for (int i = from; i < to; i++) {
            s[i] = (float) (rho * s[i] - alpha * g[i]);
            theta[i] = (float) (theta[i] + s[i]);
        }
    }

    /** Reparametrised Nesterov: s' = ρ·s − α·g; θ̃ = θ̃ + (1+ρ)·s' − ρ·s; s = s' */
    static void nesterov(StepScalars k, Buffer[] b, int from, int to) {
        float[] thetaTilde = a(b[0]), g = a(b[1]), s = a(b[2]);
        double alpha = k.alpha(), rho = k.rho1();
        for (int i = from; i < to; i++) {
            float sOld = s[i];
            s[i] = (float) (rho * sOld - alpha * g[i]);
            thetaTilde[i] = (float) (thetaTilde[i] + (1 + rho) * s[i] - rho * sOld);
        }
    }

    /** p = θ + ρ·s, the point where Nesterov's spec form takes the gradient. */
    static void nesterovLookahead(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), s = a(b[1]), p = a(b[2]);
        double rho = k.rho1();
        for (int i = from; i < to; i++) {
            p[i] = (float) (theta[i] + rho * s[i]);
        }
    }

    /** r = r + g⊙g; θ = θ − α·g/(√r + ε) */
    static void adaGrad(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), g = a(b[1]), r = a(b[2]);
        double alpha = k.alpha(), eps = k.epsilon();
        for (int i = from; i < to; i++) {
            double gi = g[i];
            r[i] = (float) (r[i] + gi * gi);
            theta[i] = (float) (theta[i] - alpha * gi / (Math.sqrt(r[i]) + eps));
        }
    }

    /** r = ρ₂·r + (1−ρ₂)·g⊙g; θ = θ − α·g/(√r + ε) */
    static void rmsProp(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), g = a(b[1]), r = a(b[2]);
        double alpha = k.alpha(), rho2 = k.rho2(), eps = k.epsilon();
        for (int i = from; i < to; i++) {
            double gi = g[i];
            r[i] = (float) (rho2 * r[i] + (1 - rho2) * gi * gi);
            theta[i] = (float) (theta[i] - alpha * gi / (Math.sqrt(r[i]) + eps));
        }
    }

    /** s = ρ₁·s + (1−ρ₁)·g; r = ρ₂·r + (1−ρ₂)·g⊙g; ŝ = s/bc₁; r̂ = r/bc₂; θ = θ − α·ŝ/(√r̂ + ε) */
    static void adam(StepScalars k, Buffer[] b, int from, int to) {
        float[] theta = a(b[0]), g = a(b[1]), s = a(b[2]), r = a(b[3]);
        double alpha = k.alpha(), rho1 = k.rho1(), rho2 = k.rho2(), eps = k.epsilon();
        double bc1 = k.biasCorrection1(), bc2 = k.biasCorrection2();
        for (int i = from; i < to; i++) {
            double gi = g[i];
            s[i] = (float) (rho1 * s[i] + (1 - rho1) * gi);
            r[i] = (float) (rho2 * r[i] + (1 - rho2) * gi * gi);
            double sHat = s[i] / bc1;
            double rHat = r[i] / bc2;
            theta[i] = (float) (theta[i] - alpha * sHat / (Math.sqrt(rHat) + eps));
        }
    }
}
