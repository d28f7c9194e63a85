package org.optim4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.checkpoint.Checkpoint;
import org.optim4j.rule.Adam;
import org.optim4j.rule.Nesterov;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spi.Backend;
import org.optim4j.spi.FloatArrayBuffer;
import org.optim4j.spi.NonFinite;

class NonFinitePolicyTest {
    private static final Backend SCALAR = new ScalarBackend();

    private static Optimizer build(UpdateRule rule, int n, NonFinitePolicy policy) {
        return Optimizer.builder(rule).backend(SCALAR).parameterCount(n).nonFinitePolicy(policy).skipLogInterval(3).build();
    }

    private static float[] randomGradient(SplittableRandom r, int n) {
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            g[i] = (float) r.nextDouble(-1, 1);
        }
        return g;
    }

    @Test
    void failIsTheDefaultAndNamesTheGradientAndTheFirstIndex() {
        Optimizer opt = Optimizer.create(Adam.defaults(), SCALAR, 100);
        assertEquals(NonFinitePolicy.FAIL, opt.nonFinitePolicy());
        FloatArrayBuffer theta = FloatArrayBuffer.zeros(100);
        opt.step(theta, FloatArrayBuffer.wrap(randomGradient(new SplittableRandom(1), 100)));
        Checkpoint before = Checkpoint.capture(opt, theta);
        float[] g = randomGradient(new SplittableRandom(2), 100);
        g[71] = Float.NEGATIVE_INFINITY;
        g[42] = Float.NaN;
        NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class,
                () -> opt.step(theta, FloatArrayBuffer.wrap(g)));
        assertEquals("gradient", e.tensor());
        assertEquals(42, e.index());
        assertTrue(e.getMessage().contains("gradient[42] = NaN"), e.getMessage());
        assertEquals(before, Checkpoint.capture(opt, theta));
    }

    @Test
    void failNamesTheParameterSetTensorAndTheIndexInsideIt() {
        ParameterSet params = ParameterSet.builder().add("W1", 4, 5).add("empty", 0).add("b1", 4).add("W2", 2, 4)
                .build(SCALAR);
        ParameterSet grads = params.newLike();
        Optimizer opt = Optimizer.create(Adam.defaults(), SCALAR, params.size());
        grads.flat().set(20 + 3, Double.POSITIVE_INFINITY); // b1[3]
        Checkpoint before = Checkpoint.capture(opt, params.flat());
        NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class, () -> opt.step(params, grads));
        assertEquals("b1", e.tensor());
        assertEquals(3, e.index());
        assertEquals(23, e.flatIndex());
        assertTrue(e.getMessage().contains("b1[3] = Infinity"), e.getMessage());
        assertEquals(before, Checkpoint.capture(opt, params.flat()));
    }

    @ParameterizedTest
    @MethodSource("org.optim4j.RuleCatalog#rules")
    void skipStepModifiesNothingAndCountsTheSkips(UpdateRule rule) {
        int n = 50;
        Optimizer opt = build(rule, n, NonFinitePolicy.SKIP_STEP);
        Optimizer reference = build(rule, n, NonFinitePolicy.FAIL);
        FloatArrayBuffer theta = FloatArrayBuffer.zeros(n);
        FloatArrayBuffer thetaRef = FloatArrayBuffer.zeros(n);
        SplittableRandom r = new SplittableRandom(7);
        int skips = 0;
        for (int s = 0; s < 20; s++) {
            float[] g = randomGradient(r, n);
            boolean poison = s % 3 == 1;
            if (poison) {
                g[r.nextInt(n)] = r.nextBoolean() ? Float.NaN : Float.POSITIVE_INFINITY;
                skips++;
            }
            Checkpoint before = Checkpoint.capture(opt, theta);
            boolean taken = opt.step(theta, FloatArrayBuffer.wrap(g.clone()));
            assertEquals(!poison, taken);
            if (poison) {
                assertEquals(before.step(), opt.state().step(), "a skipped step must not advance the counter");
                Checkpoint after = Checkpoint.capture(opt, theta);
                assertEquals(before.parameters(), after.parameters());
                for (int i = 0; i < rule.stateNames().size(); i++) {
                    assertEquals(before.stateBuffer(i), after.stateBuffer(i));
                }
            } else {
                reference.step(thetaRef, FloatArrayBuffer.wrap(g));
            }
        }
        assertEquals(skips, opt.skippedSteps());
        assertEquals(20 - skips, opt.state().step());
        // Skipping is as if the poisoned steps never happened.
        assertEquals(Checkpoint.capture(reference, thetaRef).parameters(), Checkpoint.capture(opt, theta).parameters());
    }

    @Test
    void skipsAreLoggedOncePerInterval() {
        Optimizer opt = build(Adam.defaults(), 3, NonFinitePolicy.SKIP_STEP); // interval 3
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true));
        try {
            for (int i = 0; i < 7; i++) {
                assertFalse(opt.step(new float[3], new float[] {0, Float.NaN, 0}));
            }
        } finally {
            System.setErr(err);
        }
        assertEquals(7, opt.skippedSteps());
        long lines = captured.toString().lines().filter(l -> l.contains("Skipped step")).count();
        assertEquals(3, lines, "skips 1, 4 and 7 are logged:\n" + captured);
    }

    @Test
    void skipStepInTheNesterovSpecFormModifiesNothing() {
        int n = 9;
        Optimizer opt = build(Nesterov.of(0.1, 0.9), n, NonFinitePolicy.SKIP_STEP);
        FloatArrayBuffer theta = FloatArrayBuffer.wrap(randomGradient(new SplittableRandom(5), n));
        opt.step(theta, (p, g) -> g.copyFrom(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}));
        Checkpoint before = Checkpoint.capture(opt, theta);
        assertFalse(opt.step(theta, (p, g) -> g.set(4, Double.NaN)));
        assertEquals(before.parameters(), Checkpoint.capture(opt, theta).parameters());
        assertEquals(before.stateBuffer(0), Checkpoint.capture(opt, theta).stateBuffer(0));
        assertEquals(1, opt.skippedSteps());
        Optimizer failing = build(Nesterov.of(0.1, 0.9), n, NonFinitePolicy.FAIL);
        NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class,
                () -> failing.step(theta, (p, g) -> g.set(6, Double.NEGATIVE_INFINITY)));
        assertEquals(6, e.index());
        assertEquals(0, failing.state().step());
    }

    @Test
    void uncheckedLetsTheNaNThrough() {
        Optimizer opt = build(Adam.defaults(), 4, NonFinitePolicy.UNCHECKED);
        float[] theta = new float[4];
        assertTrue(opt.step(theta, new float[] {0, Float.NaN, 1, 0}));
        assertTrue(Float.isNaN(theta[1]));
        assertFalse(Float.isNaN(theta[2]));
        assertEquals(1, opt.state().step());
    }

    @Test
    void theBlockScanFindsTheFirstNonFiniteAtEveryPosition() {
        SplittableRandom r = new SplittableRandom(11);
        int checked = 0;
        for (int n : new int[] {0, 1, 7, 8, 9, 2047, 2048, 2049, 4100, 10_000}) {
            float[] a = randomGradient(r, n);
            assertEquals(-1, NonFinite.firstIndex(a, 0, n));
            assertEquals(-1, SCALAR.firstNonFinite(FloatArrayBuffer.wrap(a), 0, n));
            assertEquals(-1, NonFinite.firstIndex(java.nio.FloatBuffer.wrap(a), 0, n));
            for (int trial = 0; trial < Math.min(n, 40); trial++) {
                float[] b = a.clone();
                int first = trial < 3 ? new int[] {0, n - 1, n / 2}[trial] : r.nextInt(n);
                float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0x7fc00001)};
                b[first] = bad[trial % bad.length];
                if (first + 1 < n) {
                    b[first + 1 + r.nextInt(n - first - 1)] = Float.NaN;
                }
                assertEquals(first, NonFinite.firstIndex(b, 0, n));
                assertEquals(first, SCALAR.firstNonFinite(FloatArrayBuffer.wrap(b), 0, n));
                assertEquals(first >= 1 ? first : -1, NonFinite.firstIndex(b, Math.min(1, n), first + 1) >= 0
                        ? NonFinite.firstIndex(b, Math.min(1, n), first + 1) : -1);
                assertEquals(first, new DoubleTestBackend().firstNonFinite(copy(b), 0, n), "generic path over get()");
                java.nio.FloatBuffer direct = java.nio.ByteBuffer.allocateDirect(4 * n)
                        .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
                direct.put(b).clear();
                assertEquals(first, NonFinite.firstIndex(direct, 0, n), "FloatBuffer path");
                checked++;
            }
            float[] big = a.clone();
            if (n > 0) {
                big[n - 1] = Float.MAX_VALUE; // finite extremes are finite
                assertEquals(-1, NonFinite.firstIndex(big, 0, n));
            }
        }
        assertTrue(checked > 100);
    }

    private static org.optim4j.spi.Buffer copy(float[] a) {
        org.optim4j.spi.Buffer b = new DoubleTestBackend().allocate(a.length);
        for (int i = 0; i < a.length; i++) {
            b.set(i, a[i]);
        }
        return b;
    }
}
