package org.optim4j.network;

import java.util.Locale;

/**
 * The element-wise activation g of a hidden layer. Each derivative is written in terms of the
 * activation's output a = g(z), which back-propagation has at hand, so z need not be kept.
 */
public enum Activation {
    /** g(z) = z. */
    IDENTITY {
        @Override
        void apply(float[] z, int from, int to) {
        }

        @Override
        void multiplyByDerivative(float[] a, float[] delta, int from, int to) {
        }
    },
    /** g(z) = max(0, z); g'(z) = 1 for z &gt; 0, else 0. */
    RELU {
        @Override
        void apply(float[] z, int from, int to) {
            for (int i = from; i < to; i++) {
                z[i] = Math.max(z[i], 0f);
            }
        }

        @Override
        void multiplyByDerivative(float[] a, float[] delta, int from, int to) {
            for (int i = from; i < to; i++) {
                delta[i] = a[i] > 0f ? delta[i] : 0f;
            }
        }
    },
    /** g(z) = tanh z; g' = 1 − a². */
    TANH {
        @Override
        void apply(float[] z, int from, int to) {
            for (int i = from; i < to; i++) {
                z[i] = (float) Math.tanh(z[i]);
            }
        }

        @Override
        void multiplyByDerivative(float[] a, float[] delta, int from, int to) {
            for (int i = from; i < to; i++) {
                delta[i] *= 1f - a[i] * a[i];
            }
        }
    },
    /** g(z) = 1 / (1 + e^−z); g' = a·(1 − a). */
    SIGMOID {
        @Override
        void apply(float[] z, int from, int to) {
            for (int i = from; i < to; i++) {
                z[i] = (float) (1.0 / (1.0 + Math.exp(-z[i])));
            }
        }

        @Override
        void multiplyByDerivative(float[] a, float[] delta, int from, int to) {
            for (int i = from; i < to; i++) {
                delta[i] *= a[i] * (1f - a[i]);
            }
        }
    };

    /** Replaces z by g(z) in {@code [from, to)}. */
    abstract void apply(float[] z, int from, int to);

    /** delta ← delta ⊙ g'(z), with g'(z) computed from the output a = g(z), in {@code [from, to)}. */
    abstract void multiplyByDerivative(float[] a, float[] delta, int from, int to);

    /** True if the activation is the identity (a network of identities only is one linear map). */
    public boolean isLinear() {
        return this == IDENTITY;
    }

    /** The lower-case name used on the command line ({@code relu}, {@code tanh}, …). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code identity}, {@code relu}, {@code tanh} or {@code sigmoid} (case-insensitive). */
    public static Activation parse(String text) {
        for (Activation a : values()) {
            if (a.id().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return a;
            }
        }
        throw new IllegalArgumentException("activation must be one of identity, relu, tanh, sigmoid; got '" + text + "'");
    }
}
