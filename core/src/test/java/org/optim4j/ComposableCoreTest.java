package org.optim4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.rule.Adam;
import org.optim4j.rule.AdamW;
import org.optim4j.rule.Momentum;
import org.optim4j.rule.Rules;
import org.optim4j.rule.Sgd;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;
import org.optim4j.spi.FloatArrayBuffer;
import org.optim4j.state.OptimizerSnapshot;
import org.optim4j.transform.ClipByGlobalNorm;
import org.optim4j.transform.ScaleByLearningRate;

/** Parameter groups, reductions, scheduled hyper-parameters, snapshots and the one-caller guard. */
class ComposableCoreTest {
    private static final ScalarBackend SCALAR = new ScalarBackend();

    private static float[] noise(int seed, int n) {
        float[] a = new float[n];
        java.util.Random r = new java.util.Random(seed);
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian());
        }
        return a;
    }

    /** Two groups (different α, weight decay on one) step exactly as two separate optimizers side by side. */
    @Test
    void twoGroupsEqualTwoSeparateOptimizersBitForBit() {
        ParameterSet params = ParameterSet.builder().add("W1", 6, 5).add("b1", 6).add("W2", 3, 6).add("b2", 3)
                .build(SCALAR);
        UpdateRule decayed = AdamW.of(0.02, 0.1);
        UpdateRule plain = Adam.of(0.005);
        Optimizer grouped = Optimizer.builder(decayed).backend(SCALAR).layout(params)
                .group("no_decay", plain, "b1", "b2").build();
        assertEquals(List.of("default", "no_decay"), grouped.groups().stream().map(g -> g.name()).toList());

        int wLen = 30 + 18, bLen = 6 + 3;
        Optimizer onW = Optimizer.create(decayed, SCALAR, wLen);
        Optimizer onB = Optimizer.create(plain, SCALAR, bLen);
        float[] theta = noise(1, params.size());
        params.flat().copyFrom(theta);
        float[] w = gather(theta, params, "W1", "W2");
        float[] b = gather(theta, params, "b1", "b2");
        ParameterSet grads = params.newLike();
        for (int step = 0; step < 12; step++) {
            float[] g = noise(100 + step, params.size());
            grads.flat().copyFrom(g);
            grouped.step(params, grads);
            onW.step(w, gather(g, params, "W1", "W2"));
            onB.step(b, gather(g, params, "b1", "b2"));
        }
        float[] now = params.flat().toFloatArray();
        assertArrayEquals(w, gather(now, params, "W1", "W2"), "weights: as AdamW alone");
        assertArrayEquals(b, gather(now, params, "b1", "b2"), "biases: as Adam alone");
        assertArrayEquals(gather(onW.state().buffer("s").toFloatArray(), null, null),
                gather(grouped.state().buffer("s").toFloatArray(), params, "W1", "W2"));
        // The snapshot names the layout and gives each tensor's slice of a state buffer.
        OptimizerSnapshot snap = grouped.snapshot();
        assertEquals(List.of("W1", "b1", "W2", "b2"), snap.tensorNames());
        assertArrayEquals(gather(onB.state().buffer("r").toFloatArray(), null, null, 0, 6),
                snap.state("r", "b1").toFloatArray());
    }

    private static float[] gather(float[] flat, ParameterSet layout, String... names) {
        if (layout == null) {
            return flat.clone();
        }
        int n = 0;
        for (String name : names) {
            n += layout.tensor(name).length();
        }
        float[] out = new float[n];
        int at = 0;
        for (String name : names) {
            ParameterSet.Tensor t = layout.tensor(name);
            System.arraycopy(flat, t.offset(), out, at, t.length());
            at += t.length();
        }
        return out;
    }

    private static float[] gather(float[] flat, ParameterSet layout, String name, int from, int to) {
        return java.util.Arrays.copyOfRange(flat, from, to);
    }

    /** Clipping by global norm rescales g by m/‖g‖ when ‖g‖ > m, and leaves it alone otherwise. */
    @Test
    void clipByGlobalNormRescalesOnlyAboveTheLimit() {
        UpdateRule clippedSgd = UpdateRule.chain("clipped_sgd", new ClipByGlobalNorm(Schedule.fixed(1.0)),
                new ScaleByLearningRate(Schedule.constant(0.5)));
        Optimizer opt = Optimizer.create(clippedSgd, SCALAR, 2);
        float[] theta = {0, 0};
        opt.step(theta, new float[] {3, 4}); // ‖g‖ = 5 → g·(1/5) = (0.6, 0.8); θ = −0.5·g
        assertArrayEquals(new float[] {-0.3f, -0.4f}, theta, 1e-7f);
        opt.step(theta, new float[] {0.3f, 0.4f}); // ‖g‖ = 0.5 ≤ 1: unchanged
        assertArrayEquals(new float[] {-0.45f, -0.6f}, theta, 1e-7f);
        // A clip after the first transform would need an intermediate pass: refused when the optimizer is built.
        UpdateRule late = UpdateRule.chain("late_clip", new ScaleByLearningRate(Schedule.constant(0.5)),
                new ClipByGlobalNorm(Schedule.fixed(1.0)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizer.create(late, SCALAR, 2));
        assertTrue(e.getMessage().contains("clip_by_global_norm") && e.getMessage().contains("first"), e.getMessage());
    }

    /** Any hyper-parameter can be scheduled; a value out of range at a step is refused before anything changes. */
    @Test
    void aScheduledHyperParameterOutOfRangeIsRefusedAtItsStepWithNothingModified() {
        Schedule rising = step -> 0.5 + 0.25 * step; // ρ = 0.5, 0.75, 1.0 (invalid at t = 2)
        UpdateRule momentum = Rules.create("momentum", Map.of("learning_rate", Schedule.constant(0.1), "rho", rising));
        Optimizer opt = Optimizer.create(momentum, SCALAR, 3);
        float[] theta = {1, 2, 3};
        float[] g = {1, 1, 1};
        opt.step(theta, g);
        opt.step(theta, g);
        float[] before = theta.clone();
        float[] s = opt.state().buffer("s").toFloatArray();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.step(theta, g));
        assertTrue(e.getMessage().startsWith("rho at step 2 is 1.0"), e.getMessage());
        assertArrayEquals(before, theta);
        assertArrayEquals(s, opt.state().buffer("s").toFloatArray());
        assertEquals(2, opt.state().step());
        // A negative learning rate from a schedule likewise.
        Optimizer sgd = Optimizer.create(new Sgd(step -> 0.1 - 0.1 * step), SCALAR, 3);
        sgd.step(theta, g);
        sgd.step(theta, g); // α = 0 is allowed (a decay's end)
        assertThrows(IllegalArgumentException.class, () -> sgd.step(theta, g));
        assertEquals(2, sgd.state().step());
    }

    /** Loading a snapshot of other hyper-parameters is refused unless asked for; another layout always is. */
    @Test
    void loadRefusesOtherHyperParametersUnlessAskedAndAnotherLayoutAlways() {
        ParameterSet params = ParameterSet.builder().add("W", 4).add("b", 2).build(SCALAR);
        Optimizer a = Optimizer.builder(Momentum.of(0.1, 0.9)).backend(SCALAR).layout(params).build();
        a.step(params.flat().toFloatArray(), new float[] {1, 2, 3, 4, 5, 6});
        OptimizerSnapshot snap = a.snapshot();
        Optimizer lower = Optimizer.builder(Momentum.of(0.01, 0.9)).backend(SCALAR).layout(params).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lower.load(snap));
        assertTrue(e.getMessage().contains("load(snapshot, true)"), e.getMessage());
        assertEquals(0, lower.state().step());
        lower.load(snap, true);
        assertEquals(1, lower.state().step());
        assertArrayEquals(snap.state("s").toFloatArray(), lower.state().buffer("s").toFloatArray());

        ParameterSet renamed = ParameterSet.builder().add("W", 4).add("bias", 2).build(SCALAR);
        Optimizer other = Optimizer.builder(Momentum.of(0.1, 0.9)).backend(SCALAR).layout(renamed).build();
        e = assertThrows(IllegalArgumentException.class, () -> other.load(snap, true));
        assertTrue(e.getMessage().contains("tensor layout") && e.getMessage().contains("bias"), e.getMessage());
        Optimizer adam = Optimizer.builder(Adam.of(0.1)).backend(SCALAR).layout(params).build();
        assertThrows(IllegalArgumentException.class, () -> adam.load(snap, true));
    }

    /** A second thread calling while a step runs is refused, and the running step completes unharmed. */
    @Test
    void aSecondThreadIsRefusedWhileAStepRuns() throws Exception {
        Optimizer opt = Optimizer.create(Adam.of(0.1), SCALAR, 4);
        FloatArrayBuffer theta = FloatArrayBuffer.wrap(new float[] {1, 2, 3, 4});
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        Thread first = new Thread(() -> {
            try {
                opt.step(theta, (p, g) -> {
                    inside.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    for (int i = 0; i < 4; i++) {
                        g.set(i, 1);
                    }
                });
            } catch (Throwable t) {
                firstFailure.set(t);
            }
        }, "first-caller");
        first.start();
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        float[] before = theta.array().clone();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> opt.step(theta.array(), new float[] {1, 1, 1, 1}));
        assertTrue(e.getMessage().contains("already in a call") && e.getMessage().contains("first-caller"), e.getMessage());
        assertArrayEquals(before, theta.array(), "the refused call changed nothing");
        assertEquals(0, opt.state().step());
        release.countDown();
        first.join(10_000);
        assertEquals(null, firstFailure.get());
        assertEquals(1, opt.state().step(), "the first call completed");
        assertFalse(java.util.Arrays.equals(before, theta.array()));
    }

    /** Two threads hammering one optimizer: every call either steps or is refused; the counter counts the steps. */
    @Test
    void concurrentMisuseNeverCorruptsTheStepCounter() throws Exception {
        Optimizer opt = Optimizer.create(Adam.of(1e-3), SCALAR, 2048);
        java.util.concurrent.atomic.AtomicLong taken = new java.util.concurrent.atomic.AtomicLong();
        Runnable work = () -> {
            float[] theta = new float[2048];
            float[] g = noise(3, 2048);
            for (int i = 0; i < 2000; i++) {
                try {
                    opt.step(theta, g);
                    taken.incrementAndGet();
                } catch (IllegalStateException refused) {
                    // the other thread was in a call
                }
            }
        };
        Thread a = new Thread(work), b = new Thread(work);
        a.start();
        b.start();
        a.join();
        b.join();
        assertEquals(taken.get(), opt.state().step());
    }
}
