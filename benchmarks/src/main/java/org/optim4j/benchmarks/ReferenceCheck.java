package org.optim4j.benchmarks;

import java.util.Arrays;
import java.util.List;
import org.optim4j.Optimizer;
import org.optim4j.backend.Backends;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;

/**
 * The check every benchmark runs at setup: the implementation it measures must compute what the
 * scalar reference computes, on the same seeded data, or the benchmark refuses to run (its setup
 * throws, and JMH reports the failure instead of a number).
 */
public final class ReferenceCheck {
    /** Steps compared; SGD's schedule changes α at each of them. */
    public static final int STEPS = 5;
    /**
     * Largest parameter count checked: bigger workloads are checked on a copy of their first this-many
     * elements (odd, so vector tails are covered; above the simd backend's split threshold (32K), so
     * its threaded path is too).
     */
    public static final int MAX_CHECKED = (1 << 16) + 13;
    /**
     * Per element, |actual − expected| ≤ RELATIVE·(|expected| + rms(expected buffer)): the tolerance of
     * the backends' parity test (BackendParityTest, which justifies it). The reference rounds once from
     * double; a float32 kernel rounds at each of its ~6–8 operations (2⁻²⁴ each), so a few steps stay
     * well under 1e-5 relative, while a wrong coefficient, a bias correction one step off or a missed
     * element is off by far more. The rms term covers values that cancel to near zero.
     */
    static final double RELATIVE = 1e-5;
    /**
     * θ is compared through its change Δθ = θ − θ₀ (what the kernel computes): per element,
     * |Δθ − Δθ_ref| ≤ UPDATE_RELATIVE·(|Δθ_ref| + rms(Δθ_ref)). Compared as θ itself, a learning rate
     * off by 0.1% would hide under θ's magnitude; as a change it is off by 1e-3 relative and is caught,
     * while θ's own float32 rounding (½ ulp per step, ≈ 3e-7 over the steps) stays below 1e-4 of a
     * typical update.
     */
    static final double UPDATE_RELATIVE = 3e-4;
    /**
     * For peers (DL4J, ND4J ops), whose ε placement may differ slightly from the spec (DL4J's Adam adds
     * ε to the uncorrected r): the change of θ over the steps, compared as a whole,
     * ‖Δθ − Δθ_ref‖₂ ≤ PEER_RELATIVE·‖Δθ_ref‖₂. A peer configured as another rule is off by O(1).
     */
    public static final double PEER_RELATIVE = 1e-3;

    private ReferenceCheck() {
    }

    /** How many parameters of {@code data} the check uses. */
    public static int checkedLength(int parameters) {
        return Math.min(parameters, MAX_CHECKED);
    }

    /** The reference's θ (and state buffers after it) after {@link #STEPS} steps with a fixed gradient. */
    public static List<float[]> reference(UpdateRule rule, float[] theta0, float[] gradient, int n) {
        return run(rule, Backends.byName("scalar"), theta0, gradient, n);
    }

    /**
     * Runs {@code rule} on {@code backend} and on the reference over the first
     * {@link #checkedLength} parameters and compares θ and every state buffer.
     *
     * @throws IllegalStateException naming the buffer and the first element that differs
     */
    public static void requireAgreement(String what, UpdateRule rule, Backend backend, float[] theta0,
                                        float[] gradient) {
        int n = checkedLength(theta0.length);
        List<float[]> expected = reference(rule, theta0, gradient, n);
        List<float[]> actual = run(rule, backend, theta0, gradient, n);
        float[] start = Arrays.copyOf(theta0, n);
        compare(what + ", the change of θ", change(start, expected.get(0)), change(start, actual.get(0)),
                UPDATE_RELATIVE);
        for (int b = 1; b < expected.size(); b++) {
            compare(what + ", buffer " + rule.stateNames().get(b - 1), toDouble(expected.get(b)),
                    toDouble(actual.get(b)), RELATIVE);
        }
    }

    private static List<float[]> run(UpdateRule rule, Backend backend, float[] theta0, float[] gradient, int n) {
        Optimizer optimizer = Optimizer.create(rule, backend, n);
        Buffer theta = optimizer.newBuffer();
        Buffer g = optimizer.newBuffer();
        theta.copyFrom(Arrays.copyOf(theta0, n));
        g.copyFrom(Arrays.copyOf(gradient, n));
        for (int k = 0; k < STEPS; k++) {
            optimizer.step(theta, g);
        }
        List<float[]> out = new java.util.ArrayList<>();
        out.add(theta.toFloatArray());
        for (Buffer s : optimizer.state().buffers()) {
            out.add(s.toFloatArray());
        }
        return out;
    }

    private static double[] change(float[] from, float[] to) {
        if (from.length != to.length) {
            throw new IllegalStateException("θ has length " + to.length + ", expected " + from.length);
        }
        double[] d = new double[to.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = (double) to[i] - from[i];
        }
        return d;
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    /** Element-wise: |actual − expected| ≤ relative·(|expected| + rms(expected)). */
    static void compare(String what, double[] expected, double[] actual, double relative) {
        if (expected.length != actual.length) {
            throw new IllegalStateException(what + ": length " + actual.length + ", reference " + expected.length);
        }
        double sumOfSquares = 0;
        for (double e : expected) {
            sumOfSquares += e * e;
        }
        double rms = expected.length == 0 ? 0 : Math.sqrt(sumOfSquares / expected.length);
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            if (!(Math.abs(a - e) <= relative * (Math.abs(e) + rms))) {
                throw new IllegalStateException(what + " disagrees with the scalar reference at element " + i
                        + " after " + STEPS + " steps: " + a + ", reference " + e
                        + "; refusing to benchmark it");
            }
        }
    }

    /**
     * Compares a peer's parameters after {@link #STEPS} steps with the reference's (see {@link #PEER_RELATIVE}).
     *
     * @throws IllegalStateException with the relative error when it is too large
     */
    public static void requirePeerAgreement(String what, float[] theta0, float[] expected, float[] actual) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            double de = expected[i] - (double) theta0[i];
            double da = actual[i] - (double) theta0[i];
            diff += (da - de) * (da - de);
            norm += de * de;
        }
        double relative = Math.sqrt(diff) / Math.sqrt(norm);
        if (!(relative <= PEER_RELATIVE)) {
            throw new IllegalStateException(what + ": its change of θ over " + STEPS
                    + " steps differs from the reference's by " + relative + " (relative L2, limit "
                    + PEER_RELATIVE + "); refusing to benchmark it");
        }
    }
}
