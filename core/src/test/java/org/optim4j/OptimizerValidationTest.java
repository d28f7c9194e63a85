package org.optim4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.checkpoint.Checkpoint;
import org.optim4j.rule.AdaGrad;
import org.optim4j.rule.Adam;
import org.optim4j.rule.Momentum;
import org.optim4j.rule.Nesterov;
import org.optim4j.rule.RmsProp;
import org.optim4j.rule.Sgd;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;
import org.optim4j.schedule.LinearDecay;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.FloatArrayBuffer;
import org.optim4j.spi.Chains;

/**
 * Validation before mutation: every bad call at a public entry point throws the documented exception,
 * names the parameter (and both sizes for a length mismatch), and leaves parameters, state, step and
 * skip counters bit for bit as they were.
 */
class OptimizerValidationTest {
    private static final Backend SCALAR = new ScalarBackend();
    private static final int N = 37;
    private static int casesTried;

    static List<UpdateRule> rules() {
        return RuleCatalog.rules();
    }

    /** An optimizer with a few steps of history, so that a state change would be visible. */
    private static Optimizer warmed(UpdateRule rule, FloatArrayBuffer theta) {
        return warmed(rule, theta, 3);
    }

    private static Optimizer warmed(UpdateRule rule, FloatArrayBuffer theta, long seed) {
        Optimizer opt = Optimizer.create(rule, SCALAR, N);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < N; i++) {
            theta.array()[i] = (float) r.nextDouble(-1, 1);
        }
        for (int s = 0; s < 3; s++) {
            float[] g = new float[N];
            for (int i = 0; i < N; i++) {
                g[i] = (float) r.nextDouble(-1, 1);
            }
            opt.step(theta, FloatArrayBuffer.wrap(g));
        }
        return opt;
    }

    /** Runs {@code call}, expects {@code type} with every fragment in its message, and nothing modified. */
    private static <T extends Throwable> T refused(Optimizer opt, Buffer theta, Class<T> type,
                                                   Consumer<Optimizer> call, String... fragments) {
        Checkpoint before = Checkpoint.capture(opt, theta);
        T e = assertThrows(type, () -> call.accept(opt));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
        assertEquals(before, Checkpoint.capture(opt, theta), "a refused call modified something: " + e.getMessage());
        casesTried++;
        return e;
    }

    @ParameterizedTest
    @MethodSource("rules")
    void badStepArgumentsAreRefusedAndChangeNothing(UpdateRule rule) {
        FloatArrayBuffer theta = FloatArrayBuffer.zeros(N);
        Optimizer opt = warmed(rule, theta);
        FloatArrayBuffer g = FloatArrayBuffer.zeros(N);
        Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        refused(opt, theta, iae, o -> o.step((Buffer) null, g), "parameters", "null");
        refused(opt, theta, iae, o -> o.step(theta, (Buffer) null), "gradient", "null");
        refused(opt, theta, iae, o -> o.step((float[]) null, new float[N]), "parameters", "null");
        refused(opt, theta, iae, o -> o.step(theta.array(), null), "gradient", "null");
        refused(opt, theta, iae, o -> o.step(theta, FloatArrayBuffer.zeros(N + 1)), "gradient", "" + (N + 1), "" + N);
        refused(opt, theta, iae, o -> o.step(theta, FloatArrayBuffer.zeros(0)), "gradient", "length 0", "" + N);
        refused(opt, theta, iae, o -> o.step(FloatArrayBuffer.zeros(N - 1), g), "parameters", "" + (N - 1), "" + N);
        refused(opt, theta, iae, o -> o.step(new DoubleTestBackend().allocate(N), g), "parameters", "backend 'scalar'");
        refused(opt, theta, iae, o -> o.step(theta, new DoubleTestBackend().allocate(N)), "gradient", "DoubleBuffer");
        refused(opt, theta, iae, o -> o.step(theta, theta), "same");
        refused(opt, theta, iae, o -> o.step(theta.array(), theta.array()), "same");
        refused(opt, theta, iae, o -> o.step(theta, FloatArrayBuffer.wrap(theta.array())), "same");
        for (Buffer s : opt.state().buffers()) {
            refused(opt, theta, iae, o -> o.step(theta, s), "state buffer");
            refused(opt, theta, iae, o -> o.step(s, g), "state buffer");
            refused(opt, theta, iae, o -> o.step(s, (p, out) -> { }), "state buffer");
        }
        refused(opt, theta, iae, o -> o.step(theta, (GradientFunction) null), "gradientFunction");
        refused(opt, theta, iae, o -> o.step((org.optim4j.spi.Buffer) null, (p, out) -> { }), "parameters");
        refused(opt, theta, iae, o -> o.step((ParameterSet) null, (ParameterSet) null), "parameters");
        refused(opt, theta, iae, o -> o.step((ParameterSet) null, (ParameterSetGradient) (p, out) -> { }), "parameters");
        refused(opt, theta, iae, o -> o.load(null), "snapshot");
    }

    @ParameterizedTest
    @MethodSource("rules")
    void aThrowingGradientFunctionChangesNothing(UpdateRule rule) {
        FloatArrayBuffer theta = FloatArrayBuffer.zeros(N);
        Optimizer opt = warmed(rule, theta);
        // Half-written gradient, then a failure: Nesterov's spec form writes into scratch, so nothing leaks.
        refused(opt, theta, IllegalStateException.class, o -> o.step(theta, (p, out) -> {
            for (int i = 0; i < N / 2; i++) {
                out.set(i, 1e3);
            }
            throw new IllegalStateException("model failed");
        }), "model failed");
        // And the next good step is the one that was due.
        Optimizer twin = warmed(rule, FloatArrayBuffer.zeros(N));
        FloatArrayBuffer twinTheta = FloatArrayBuffer.zeros(N);
        Checkpoint.capture(opt, theta).restore(twin, twinTheta);
        GradientFunction f = (p, out) -> {
            for (int i = 0; i < N; i++) {
                out.set(i, p.get(i) - 0.5);
            }
        };
        opt.step(theta, f);
        twin.step(twinTheta, f);
        assertEquals(Checkpoint.capture(twin, twinTheta), Checkpoint.capture(opt, theta));
    }

    @ParameterizedTest
    @MethodSource("rules")
    void aClosedOptimizerRefusesEveryMutation(UpdateRule rule) {
        FloatArrayBuffer theta = FloatArrayBuffer.zeros(N);
        Optimizer opt = warmed(rule, theta);
        Checkpoint saved = Checkpoint.capture(opt, theta);
        opt.close();
        opt.close(); // idempotent
        assertTrue(opt.isClosed());
        Class<IllegalStateException> ise = IllegalStateException.class;
        refused(opt, theta, ise, o -> o.step(theta, FloatArrayBuffer.zeros(N)), "closed");
        refused(opt, theta, ise, o -> o.step(theta.array(), new float[N]), "closed");
        refused(opt, theta, ise, o -> o.step(theta, (p, out) -> { }), "closed");
        refused(opt, theta, ise, o -> saved.restore(o, theta), "closed");
        refused(opt, theta, ise, Optimizer::newBuffer, "closed");
        assertEquals(saved, Checkpoint.capture(opt, theta), "the state stays readable after close()");
    }

    @Test
    void restoreRefusesAMismatchedCheckpointAndChangesNothing() {
        FloatArrayBuffer theta = FloatArrayBuffer.zeros(N);
        Optimizer adam = warmed(new Adam(Schedule.constant(1e-3), 0.9, 0.999, 1e-8), theta);
        Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        FloatArrayBuffer other = FloatArrayBuffer.zeros(N);
        Checkpoint ofRmsProp = Checkpoint.capture(warmed(RmsProp.of(0.01), other), other);
        refused(adam, theta, iae, o -> ofRmsProp.restore(o, theta), "rule", "RmsProp");
        Checkpoint otherRho2 = Checkpoint.capture(warmed(new Adam(Schedule.constant(1e-3), 0.9, 0.99, 1e-8),
                other), other);
        refused(adam, theta, iae, o -> otherRho2.restore(o, theta), "rho2=0.99");
        Checkpoint otherSchedule = Checkpoint.capture(warmed(new Adam(new LinearDecay(1e-3, 0, 10), 0.9, 0.999, 1e-8),
                other), other);
        refused(adam, theta, iae, o -> otherSchedule.restore(o, theta), "linear:");
        Optimizer small = Optimizer.create(Adam.defaults(), SCALAR, 5);
        Checkpoint ofFive = Checkpoint.capture(small, FloatArrayBuffer.zeros(5));
        refused(adam, theta, iae, o -> ofFive.restore(o, theta), "5", "" + N);
        // Other values than adam's (another seed), so that a restore that wrote anything would show.
        Checkpoint noParameters = Checkpoint.capture(warmed(Adam.defaults(), other, 4));
        refused(adam, theta, iae, o -> noParameters.restore(o, theta), "no parameters");
        Checkpoint good = Checkpoint.capture(warmed(Adam.defaults(), other, 5), other);
        refused(adam, theta, iae, o -> good.restore(o, FloatArrayBuffer.zeros(N + 2)), "" + (N + 2));
        refused(adam, theta, iae, o -> good.restore(o, adam.state().buffer("s")), "state buffer");
    }

    @Test
    void buildersRulesSchedulesAndParameterSetsRefuseBadValues() {
        Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        List<Runnable> bad = new ArrayList<>();
        bad.add(() -> Optimizer.builder(null));
        bad.add(() -> Optimizer.builder(Adam.defaults()).build());
        bad.add(() -> Optimizer.builder(Adam.defaults()).parameterCount(-1));
        bad.add(() -> Optimizer.builder(Adam.defaults()).backend(null));
        bad.add(() -> Optimizer.builder(Adam.defaults()).nonFinitePolicy(null));
        bad.add(() -> Optimizer.builder(Adam.defaults()).skipLogInterval(0));
        bad.add(() -> Optimizer.create(Adam.defaults(), null, 3));
        // (A backend without a fused kernel for the rule is no longer an error: the chain runs composed.)
        bad.add(() -> Optimizer.builder(Adam.defaults()).backend(SCALAR)
                .layout(ParameterSet.builder().add("W", 3).build(SCALAR)).group("g", Sgd.of(0.1), "nope").build());
        bad.add(() -> Optimizer.builder(Adam.defaults()).backend(SCALAR).parameterCount(4)
                .group("g", Sgd.of(0.1), List.of(new org.optim4j.state.Range(2, 5))).build());
        bad.add(() -> Adam.of(0));
        bad.add(() -> Adam.of(Double.NaN));
        bad.add(() -> new Adam(Schedule.constant(1e-3), 1.0, 0.999, 1e-8));
        bad.add(() -> new Adam(Schedule.constant(1e-3), 0.9, -0.1, 1e-8));
        bad.add(() -> new Adam(Schedule.constant(1e-3), 0.9, 0.999, 0));
        bad.add(() -> new Adam(null, 0.9, 0.999, 1e-8));
        bad.add(() -> Momentum.of(0.1, Double.NaN));
        bad.add(() -> Nesterov.of(Double.POSITIVE_INFINITY, 0.5));
        bad.add(() -> new RmsProp(Schedule.constant(0.1), 1.5, 1e-8));
        bad.add(() -> new AdaGrad(Schedule.constant(0.1), Double.POSITIVE_INFINITY));
        bad.add(() -> new LinearDecay(0.1, -0.01, 10));
        bad.add(() -> new LinearDecay(0.1, 0.01, 0));
        bad.add(() -> Schedule.constant(0.1).value(-1));
        bad.add(() -> new LinearDecay(0.1, 0.01, 10).value(-5));
        bad.add(() -> Schedule.parse("linear:0.1,0.01"));
        bad.add(() -> Schedule.parse("fast"));
        bad.add(() -> Schedule.parse(null));
        bad.add(() -> Chains.compute(Adam.defaults().transforms(), -1, Chains.newScalars(Adam.defaults().transforms())));
        bad.add(() -> Chains.compute(Sgd.of(0.1).transforms(), 0, null));
        bad.add(() -> ParameterSet.builder().add(null, 3));
        bad.add(() -> ParameterSet.builder().add("W", (int[]) null));
        bad.add(() -> ParameterSet.builder().add(" ", 3));
        bad.add(() -> ParameterSet.builder().add("W", 3, -1));
        bad.add(() -> ParameterSet.builder().add("W", 3).add("W", 4));
        bad.add(() -> ParameterSet.builder().add("W", 65536, 65536));
        bad.add(() -> ParameterSet.builder().add("W", 3).build(null));
        bad.add(() -> ParameterSet.builder().add("W", 3).build(SCALAR).tensor("b"));
        bad.add(() -> Optimizer.create(Adam.defaults(), SCALAR, 3).state().buffer("v"));
        for (Runnable r : bad) {
            IllegalArgumentException e = assertThrows(iae, r::run);
            assertFalse(e.getMessage() == null || e.getMessage().isBlank());
            casesTried++;
        }
    }

    @Test
    void parameterSetStepsCheckTheLayout() {
        ParameterSet params = ParameterSet.builder().add("W", 3, 4).add("b", 3).build(SCALAR);
        ParameterSet grads = params.newLike();
        ParameterSet otherLayout = ParameterSet.builder().add("W", 4, 3).add("b", 3).build(SCALAR);
        Optimizer opt = Optimizer.create(Adam.defaults(), SCALAR, params.size());
        assertTrue(opt.step(params, grads));
        refused(opt, params.flat(), IllegalArgumentException.class, o -> o.step(params, otherLayout), "layout", "W[4, 3]");
        refused(opt, params.flat(), IllegalArgumentException.class, o -> o.step(params, params), "same");
    }

    @AfterAll
    static void report() {
        System.out.println("OptimizerValidationTest: " + casesTried + " bad-input cases refused with nothing modified");
    }
}
