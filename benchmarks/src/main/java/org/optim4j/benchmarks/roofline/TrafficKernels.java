package org.optim4j.benchmarks.roofline;

/**
 * Traffic-only passes: each reads and writes exactly the arrays of one rule's kernel, doing no
 * arithmetic, only moves and one compare-select ({@code max}) per written element so that every read
 * array is consumed. They are the roofline: how fast this machine moves that rule's bytes.
 * Values only move between the arrays, so they stay in [−1, 1) however many passes run.
 */
final class TrafficKernels {
    private TrafficKernels() {
    }

    /** SGD's traffic (read θ, g; write θ): {@code θ = max(θ, g)}. */
    static void twoArrays(float[] theta, float[] g, int from, int to) {
        for (int i = from; i < to; i++) {
            theta[i] = Math.max(theta[i], g[i]);
        }
    }

    /** Momentum, Nesterov, AdaGrad, RMSProp (read θ, g, x; write θ, x): {@code θ' = max(x, g); x' = θ}. */
    static void threeArrays(float[] theta, float[] g, float[] x, int from, int to) {
        for (int i = from; i < to; i++) {
            float t = theta[i];
            theta[i] = Math.max(x[i], g[i]);
            x[i] = t;
        }
    }

    /** Adam's traffic (read θ, g, s, r; write θ, s, r): {@code θ' = max(s, g); s' = r; r' = θ}. */
    static void fourArrays(float[] theta, float[] g, float[] s, float[] r, int from, int to) {
        for (int i = from; i < to; i++) {
            float t = theta[i];
            theta[i] = Math.max(s[i], g[i]);
            s[i] = r[i];
            r[i] = t;
        }
    }

    /** AMSGrad's traffic (read θ, g, s, r, m; write θ, s, r, m): {@code θ' = max(s, g); s' = r; r' = m; m' = θ}. */
    static void fiveArrays(float[] theta, float[] g, float[] s, float[] r, float[] m, int from, int to) {
        for (int i = from; i < to; i++) {
            float t = theta[i];
            theta[i] = Math.max(s[i], g[i]);
            s[i] = r[i];
            r[i] = m[i];
            m[i] = t;
        }
    }
}
