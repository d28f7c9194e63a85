package org.optim4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import org.optim4j.DoubleTestBackend;
import org.optim4j.GradientFunction;
import org.optim4j.NonFiniteGradientException;
import org.optim4j.NonFinitePolicy;
import org.optim4j.Optimizer;
import org.optim4j.backend.Backends;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.state.BufferData;
import org.optim4j.backends.simd.SimdBackend;
import org.optim4j.checkpoint.Checkpoint;
import org.optim4j.rule.AdaGrad;
import org.optim4j.rule.Adam;
import org.optim4j.rule.Momentum;
import org.optim4j.rule.Nesterov;
import org.optim4j.rule.RmsProp;
import org.optim4j.rule.Sgd;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.ConstantRate;
import org.optim4j.schedule.Schedule;
import org.optim4j.schedule.LinearDecay;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;

/**
 * Property: with random hyper-parameters (in and out of range), random sizes (0 included), random
 * NaN/±Infinity positions, random bad calls and random backends from {@link Backends#available()}, every
 * call either succeeds with results equal to the scalar reference within the parity tolerance (finite
 * when the gradients were), or throws the documented exception and leaves everything unchanged.
 * Each try is driven by one seed (printed by jqwik on failure), so a failure replays exactly.
 */
class OptimizerPropertiesTest {
    /** Parity tolerance against the reference: |x − ref| ≤ ABS + REL·|ref|. */
    private static final double ABS = 1e-6;
    private static final double REL = 1e-5;

    /** simd with 3 threads splitting from 128 elements: most sizes here go through its hand-off. */
    private static final SimdBackend SPLITTING = new SimdBackend(3, 128);

    private static final AtomicLong tries = new AtomicLong();
    private static final AtomicLong rulesRefused = new AtomicLong();
    private static final AtomicLong calls = new AtomicLong();
    private static final AtomicLong succeeded = new AtomicLong();
    private static final AtomicLong refusedUnchanged = new AtomicLong();
    private static final AtomicLong nonFiniteFailed = new AtomicLong();
    private static final AtomicLong nonFiniteSkipped = new AtomicLong();
    private static final AtomicLong nonFinitePassed = new AtomicLong();

    private static final double[] OUT_OF_RANGE_POSITIVE = {0, -1e-3, Double.NaN, Double.POSITIVE_INFINITY, -0.0};
    private static final double[] OUT_OF_RANGE_UNIT = {1.0, 1.5, -0.1, Double.NaN, Double.NEGATIVE_INFINITY};

    /** Draws a hyper-parameter; records in {@code bad} whether it is out of range. */
    private static final class Draw {
        final SplittableRandom r;
        boolean bad;

        Draw(SplittableRandom r) {
            this.r = r;
        }

        double positive(double lo, double hi) {
            if (r.nextInt(12) == 0) {
                bad = true;
                return OUT_OF_RANGE_POSITIVE[r.nextInt(OUT_OF_RANGE_POSITIVE.length)];
            }
            return Math.exp(r.nextDouble(Math.log(lo), Math.log(hi)));
        }

        double unit(double hi) {
            if (r.nextInt(12) == 0) {
                bad = true;
                return OUT_OF_RANGE_UNIT[r.nextInt(OUT_OF_RANGE_UNIT.length)];
            }
            return r.nextInt(6) == 0 ? 0 : r.nextDouble(0, hi);
        }
    }

    private static UpdateRule rule(Draw d) {
        Schedule lr;
        double alpha = d.positive(1e-4, 0.3);
        if (d.r.nextBoolean()) {
            lr = !d.bad ? new ConstantRate(alpha) : null;
        } else {
            double alphaTau = d.r.nextInt(12) == 0 ? -d.r.nextDouble(1e-3) : d.r.nextDouble(0, 0.3);
            long tau = d.r.nextInt(12) == 0 ? -d.r.nextInt(3) : 1 + d.r.nextInt(8);
            d.bad |= alphaTau < 0 || tau <= 0;
            lr = !d.bad ? new LinearDecay(alpha, alphaTau, tau) : null;
        }
        switch (d.r.nextInt(6)) {
            case 0:
                return new Sgd(lr);
            case 1:
                return new Momentum(lr, d.unit(0.99));
            case 2:
                return new Nesterov(lr, d.unit(0.99));
            case 3:
                return new AdaGrad(lr, d.positive(1e-10, 1e-3));
            case 4:
                return new RmsProp(lr, d.unit(0.999), d.positive(1e-10, 1e-3));
            default:
                return new Adam(lr, d.unit(0.99), d.unit(0.9999), d.positive(1e-10, 1e-3));
        }
    }

    @Property(tries = 400, seed = "20261128", shrinking = ShrinkingMode.OFF)
    void everyCallMatchesTheReferenceOrFailsLeavingEverythingUnchanged(@ForAll long seed) {
        tries.incrementAndGet();
        SplittableRandom r = new SplittableRandom(seed);
        Draw draw = new Draw(r);
        UpdateRule rule;
        try {
            rule = rule(draw);
        } catch (IllegalArgumentException e) {
            assertTrue(draw.bad, "a valid hyper-parameter was refused: " + e.getMessage());
            assertTrue(e.getMessage().contains("must"), e.getMessage());
            rulesRefused.incrementAndGet();
            return;
        }
        assertFalse(draw.bad, "an out-of-range hyper-parameter was accepted: " + rule);

        // Sizes above simd's split threshold and a simd backend that splits from 128 elements on, so that the
        // threaded hand-off is exercised too.
        int[] sizes = {0, 1, 2, 7, 8, 9, 16, 17, 31, 64, 100, 1000, 4099, SimdBackend.DEFAULT_MIN_SPLIT + 1, 70_001};
        int n = r.nextInt(4) == 0 ? r.nextInt(5000) : sizes[r.nextInt(sizes.length)];
        List<Backend> available = new ArrayList<>(Backends.available());
        available.add(SPLITTING);
        Backend backend = available.get(r.nextInt(available.size()));
        NonFinitePolicy policy = NonFinitePolicy.values()[r.nextInt(3)];
        Optimizer opt = Optimizer.builder(rule).backend(backend).parameterCount(n).nonFinitePolicy(policy).build();
        Optimizer ref = Optimizer.builder(rule).backend(new ScalarBackend()).parameterCount(n).nonFinitePolicy(policy).build();
        Buffer theta = opt.newBuffer();
        Buffer thetaRef = ref.newBuffer();
        for (int i = 0; i < n; i++) {
            double v = r.nextDouble(-2, 2);
            theta.set(i, v);
            thetaRef.set(i, v);
        }
        boolean everNonFinite = false;
        int callsThisTry = 1 + r.nextInt(7);
        for (int c = 0; c < callsThisTry; c++) {
            calls.incrementAndGet();
            float[] g = new float[n];
            for (int i = 0; i < n; i++) {
                g[i] = (float) r.nextDouble(-1, 1);
            }
            int firstBad = -1;
            if (n > 0 && r.nextInt(4) == 0) {
                float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
                for (int k = 1 + r.nextInt(3); k > 0; k--) {
                    int at = r.nextInt(n);
                    g[at] = bad[r.nextInt(3)];
                    firstBad = firstBad < 0 ? at : Math.min(firstBad, at);
                }
            }
            boolean closureForm = r.nextInt(3) == 0;
            Buffer gradient = backend.allocate(n);
            gradient.copyFrom(g);
            GradientFunction function = (point, out) -> out.copyFrom(g);
            int badCall = r.nextInt(10) == 0 ? 1 + r.nextInt(6) : 0;
            if (badCall == 6) {
                opt.close();
            }
            Checkpoint before = Checkpoint.capture(opt, theta);
            Supplier<Boolean> call = badCall(badCall, opt, theta, gradient, closureForm, function, n);
            if (opt.isClosed() || badCall != 0) {
                Class<? extends RuntimeException> expected = opt.isClosed() ? IllegalStateException.class
                        : IllegalArgumentException.class;
                assertThrows(expected, call::get, "bad call " + badCall + " was accepted");
                assertEquals(before, Checkpoint.capture(opt, theta), "a refused call modified something");
                refusedUnchanged.incrementAndGet();
                continue;
            }
            if (firstBad >= 0 && policy == NonFinitePolicy.FAIL) {
                NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class, call::get);
                assertEquals(firstBad, e.flatIndex());
                assertEquals("gradient", e.tensor());
                assertEquals(before, Checkpoint.capture(opt, theta), "a refused non-finite step modified something");
                nonFiniteFailed.incrementAndGet();
                continue;
            }
            boolean taken = call.get();
            if (firstBad >= 0 && policy == NonFinitePolicy.SKIP_STEP) {
                assertFalse(taken);
                Checkpoint after = Checkpoint.capture(opt, theta);
                assertEquals(before.skippedSteps() + 1, after.skippedSteps());
                assertEquals(before.step(), after.step());
                assertEquals(before.parameters(), after.parameters());
                for (int i = 0; i < rule.stateNames().size(); i++) {
                    assertEquals(before.stateBuffer(i), after.stateBuffer(i));
                }
                ref.step(thetaRef, (point, out) -> out.copyFrom(g)); // the reference skips too
                nonFiniteSkipped.incrementAndGet();
                continue;
            }
            assertTrue(taken);
            if (firstBad >= 0) {
                everNonFinite = true;
                nonFinitePassed.incrementAndGet();
            } else {
                succeeded.incrementAndGet();
            }
            if (closureForm) {
                ref.step(thetaRef, (point, out) -> out.copyFrom(g));
            } else {
                Buffer gRef = ref.newBuffer();
                gRef.copyFrom(g);
                ref.step(thetaRef, gRef);
            }
            assertEquals(ref.state().step(), opt.state().step());
            assertClose("parameters", BufferData.of(thetaRef), BufferData.of(theta), !everNonFinite);
            for (int i = 0; i < rule.stateNames().size(); i++) {
                assertClose(rule.stateNames().get(i), BufferData.of(ref.state().buffers().get(i)),
                        BufferData.of(opt.state().buffers().get(i)), !everNonFinite);
            }
        }
    }

    /** The call to make: 0 a good one, 1–5 a bad argument, 6 a call on a closed optimizer. */
    private static Supplier<Boolean> badCall(int kind, Optimizer opt, Buffer theta, Buffer gradient, boolean closureForm,
                                             GradientFunction f, int n) {
        switch (kind) {
            case 1:
                return () -> opt.step(theta, new ScalarBackend().allocate(n + 1 + n % 3));
            case 2:
                return () -> opt.step(theta, (Buffer) null);
            case 3:
                return () -> opt.step(new DoubleTestBackend().allocate(n), gradient);
            case 4:
                return () -> opt.step(theta, theta);
            case 5:
                return () -> opt.step((Buffer) null, f);
            default:
                return closureForm ? () -> opt.step(theta, f) : () -> opt.step(theta, gradient);
        }
    }

    private static void assertClose(String what, BufferData expected, BufferData actual, boolean mustBeFinite) {
        assertEquals(expected.length(), actual.length());
        for (int i = 0; i < expected.length(); i++) {
            double e = expected.get(i);
            double a = actual.get(i);
            if (!Double.isFinite(e) || !Double.isFinite(a)) {
                assertFalse(mustBeFinite, what + "[" + i + "] = " + a + " is not finite after finite gradients");
                assertEquals(Double.isNaN(e), Double.isNaN(a), what + "[" + i + "]: " + a + " vs reference " + e);
                if (!Double.isNaN(e)) {
                    assertEquals(e, a, what + "[" + i + "]");
                }
                continue;
            }
            double tol = ABS + REL * Math.abs(e);
            assertTrue(Math.abs(a - e) <= tol, what + "[" + i + "] = " + a + " but the reference has " + e);
        }
    }

    @AfterContainer
    static void report() {
        SPLITTING.close();
        System.out.printf("OptimizerPropertiesTest: %d tries, %d calls: %d rules refused (out-of-range hyper-parameters), "
                        + "%d calls matched the reference, %d bad calls refused with nothing changed, "
                        + "%d non-finite gradients failed cleanly, %d skipped, %d passed through (UNCHECKED)%n",
                tries.get(), calls.get(), rulesRefused.get(), succeeded.get(), refusedUnchanged.get(),
                nonFiniteFailed.get(), nonFiniteSkipped.get(), nonFinitePassed.get());
    }
}
