package org.optim4j.internal;

/** Hyper-parameter validation: every refusal names the parameter and the value. */
public final class Check {
    private Check() {
    }

    /** x &gt; 0 and finite. */
    public static double positive(String name, double x) {
        if (!(x > 0) || !Double.isFinite(x)) {
            throw new IllegalArgumentException(name + " must be > 0 and finite, got " + x);
        }
        return x;
    }

    /** x ≥ 0 and finite. */
    public static double nonNegative(String name, double x) {
        if (!(x >= 0) || !Double.isFinite(x)) {
            throw new IllegalArgumentException(name + " must be >= 0 and finite, got " + x);
        }
        return x;
    }

    /** x in [0, 1). */
    public static double unitInterval(String name, double x) {
        if (!(x >= 0 && x < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + x);
        }
        return x;
    }

    /** A 0-based step index: t ≥ 0. */
    public static long step(long t) {
        if (t < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + t);
        }
        return t;
    }

    /** Not null. */
    public static <T> T notNull(String name, T value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }
}
