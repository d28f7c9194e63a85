package com.example.userrule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optim4j.Optimizer;
import org.optim4j.ParameterSet;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.backends.simd.SimdBackend;
import org.optim4j.checkpoint.Checkpoint;
import org.optim4j.rule.AdamW;
import org.optim4j.rule.ChainRule;
import org.optim4j.rule.Momentum;
import org.optim4j.rule.RuleType;
import org.optim4j.rule.Rules;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;
import org.optim4j.spi.Backend;
import org.optim4j.spi.FloatArrayBuffer;
import org.optim4j.transform.Param;
import org.optim4j.transform.Params;
import org.optim4j.transform.ScaleByLearningRate;
import org.optim4j.transform.StateAccess;
import org.optim4j.transform.Transform;

/**
 * A rule defined outside the library's packages: a transform of the user's (sign of a moving average, with
 * state), chained with a built-in one, registered for checkpoints. It steps on {@code scalar} and on {@code simd}
 * (composed there, split over threads), with the same bits, and round-trips through a checkpoint file.
 */
class UserDefinedRuleTest {
    static final Param BETA = new Param("beta", List.of("b"), 0.9, Param.Range.UNIT_INTERVAL, "EMA decay");

    /** m ← β·m + (1−β)·u; u ← sign(m). */
    record ScaleBySignOfAverage(Schedule beta) implements Transform {
        ScaleBySignOfAverage {
            Params.scheduled(BETA, beta);
        }

        @Override
        public String id() {
            return "example.scale_by_sign_of_average";
        }

        @Override
        public List<Binding> hyperParameters() {
            return List.of(new Binding(BETA, beta));
        }

        @Override
        public List<String> stateNames() {
            return List.of("m");
        }

        @Override
        public List<String> scalarNames() {
            return List.of("beta");
        }

        @Override
        public void scalars(long t, double[] out, int at) {
            out[at] = Params.at(BETA, beta, t);
        }

        @Override
        public double reference(double u, double theta, StateAccess state, double[] c, int at) {
            double m = state.set(0, c[at] * state.get(0) + (1 - c[at]) * u);
            return Math.signum(m);
        }
    }

    static UpdateRule signRule(Schedule lr, Schedule beta) {
        return new ChainRule("example.sign_average", List.of(new ScaleBySignOfAverage(beta), new ScaleByLearningRate(lr)));
    }

    static {
        Rules.register(new RuleType("example.sign_average", "a user's rule: sign of an EMA of g",
                List.of(Params.LEARNING_RATE.withDefault(1e-3), BETA),
                v -> signRule(v.get(Params.LEARNING_RATE), v.get(BETA))));
    }

    static final SimdBackend SIMD = new SimdBackend(2, 1024);

    @AfterAll
    static void close() {
        SIMD.close();
    }

    @TempDir
    Path dir;

    private static float[] data(int seed, int n) {
        java.util.Random r = new java.util.Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    private static float[] run(Backend backend, UpdateRule rule, int n, int steps) {
        Optimizer opt = Optimizer.create(rule, backend, n);
        float[] theta = data(1, n);
        for (int t = 0; t < steps; t++) {
            opt.step(theta, data(10 + t, n));
        }
        return theta;
    }

    @Test
    void aUserRuleStepsOnScalarAndSimdWithTheSameBits() {
        UpdateRule rule = signRule(Schedule.linearDecay(0.01, 0.001, 10), Schedule.fixed(0.8));
        int n = 70_001; // above simd's split threshold: the composed chain runs on two threads
        float[] reference = run(new ScalarBackend(), rule, n, 12);
        float[] simd = run(SIMD, rule, n, 12);
        assertArrayEquals(reference, simd);
        assertTrue(Optimizer.create(rule, SIMD, n).kernelsInUse().get(0).contains("composed"));
        // It moved: by at most Σα_t (each step moves an element by ±α_t or 0).
        float[] start = data(1, n);
        double total = 0;
        for (int t = 0; t < 12; t++) {
            total += Schedule.linearDecay(0.01, 0.001, 10).value(t);
        }
        assertTrue(Math.abs(reference[0] - start[0]) > 1e-3 && Math.abs(reference[0] - start[0]) <= total + 1e-6);
    }

    @Test
    void aUserRuleRoundTripsThroughACheckpointFile() throws Exception {
        UpdateRule rule = Rules.create("example.sign_average",
                java.util.Map.of("lr", Schedule.constant(0.01), "b", Schedule.fixed(0.7)));
        int n = 5000;
        Optimizer a = Optimizer.create(rule, SIMD, n);
        float[] theta = data(2, n);
        for (int t = 0; t < 5; t++) {
            a.step(theta, data(20 + t, n));
        }
        Path file = dir.resolve("user.ckpt");
        Checkpoint.capture(a, FloatArrayBuffer.wrap(theta)).write(file);
        for (int t = 5; t < 9; t++) {
            a.step(theta, data(20 + t, n));
        }
        Checkpoint back = Checkpoint.read(file);
        assertTrue(UpdateRule.sameDefinition(rule, back.rule()));
        Optimizer b = Optimizer.create(back.rule(), new ScalarBackend(), n);
        FloatArrayBuffer resumed = FloatArrayBuffer.zeros(n);
        back.restore(b, resumed);
        for (int t = 5; t < 9; t++) {
            b.step(resumed.array(), data(20 + t, n));
        }
        assertArrayEquals(theta, resumed.array(), "resumed on scalar = continued on simd");
        assertEquals(9, b.state().step());
    }

    /** Parameter groups on simd (fused kernels per range) equal two separate optimizers, bit for bit. */
    @Test
    void groupsOnSimdEqualSeparateOptimizers() {
        ParameterSet params = ParameterSet.builder().add("W", 300, 200).add("b", 300).build(SIMD);
        Optimizer grouped = Optimizer.builder(AdamW.of(0.01, 0.05)).backend(SIMD).layout(params)
                .group("bias", Momentum.of(0.02, 0.9), "b").build();
        Optimizer w = Optimizer.create(AdamW.of(0.01, 0.05), SIMD, 60_000);
        Optimizer b = Optimizer.create(Momentum.of(0.02, 0.9), SIMD, 300);
        float[] all = data(3, params.size());
        params.flat().copyFrom(all);
        float[] wTheta = java.util.Arrays.copyOfRange(all, 0, 60_000);
        float[] bTheta = java.util.Arrays.copyOfRange(all, 60_000, 60_300);
        ParameterSet grads = params.newLike();
        for (int t = 0; t < 6; t++) {
            float[] g = data(30 + t, params.size());
            grads.flat().copyFrom(g);
            grouped.step(params, grads);
            w.step(wTheta, java.util.Arrays.copyOfRange(g, 0, 60_000));
            b.step(bTheta, java.util.Arrays.copyOfRange(g, 60_000, 60_300));
        }
        float[] now = params.flat().toFloatArray();
        assertArrayEquals(wTheta, java.util.Arrays.copyOfRange(now, 0, 60_000));
        assertArrayEquals(bTheta, java.util.Arrays.copyOfRange(now, 60_000, 60_300));
    }
}
