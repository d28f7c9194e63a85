package org.optim4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.optim4j.backend.Backends;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.rule.AdaGrad;
import org.optim4j.rule.Adam;
import org.optim4j.rule.Momentum;
import org.optim4j.rule.Nesterov;
import org.optim4j.rule.RmsProp;
import org.optim4j.rule.Sgd;
import org.optim4j.schedule.ConstantRate;
import org.optim4j.schedule.Schedule;
import org.optim4j.schedule.LinearDecay;
import org.optim4j.spi.Buffer;

/** Every bound of the spec's "valid hyper-parameters" is refused with the name and the value; bad calls change nothing. */
class ValidationTest {
    private static final Schedule A = Schedule.constant(0.1);

    /** (parameter name, constructor taking that parameter's value, values out of range). */
    static Stream<Arguments> bounds() {
        double nan = Double.NaN, inf = Double.POSITIVE_INFINITY;
        List<Arguments> cases = new ArrayList<>();
        add(cases, "alpha", ConstantRate::new, 0, -0.1, nan, inf);
        add(cases, "alpha0", a -> new LinearDecay(a, 0.01, 10), 0, -1, nan, inf);
        add(cases, "alphaTau", a -> new LinearDecay(0.1, a, 10), -1e-9, nan, inf);
        add(cases, "tau", t -> new LinearDecay(0.1, 0.01, (long) t), 0, -5);
        add(cases, "rho", r -> new Momentum(A, r), -0.1, 1, 1.5, nan, inf);
        add(cases, "rho", r -> new Nesterov(A, r), -0.1, 1, nan);
        add(cases, "epsilon", e -> new AdaGrad(A, e), 0, -1e-8, nan, inf);
        add(cases, "rho2", r -> new RmsProp(A, r, 1e-8), -0.1, 1, nan);
        add(cases, "epsilon", e -> new RmsProp(A, 0.9, e), 0, -1e-8, nan, inf);
        add(cases, "rho1", r -> new Adam(A, r, 0.999, 1e-8), -0.1, 1, nan);
        add(cases, "rho2", r -> new Adam(A, 0.9, r, 1e-8), -0.1, 1, nan, inf);
        add(cases, "epsilon", e -> new Adam(A, 0.9, 0.999, e), 0, -1, nan, inf);
        add(cases, "learningRate", x -> new Sgd(null), 0);
        return cases.stream();
    }

    private static void add(List<Arguments> cases, String name, DoubleFunction<?> build, double... bad) {
        for (double v : bad) {
            cases.add(Arguments.of(name, build, v));
        }
    }

    @ParameterizedTest(name = "{0} = {2} is refused")
    @MethodSource("bounds")
    void outOfRangeHyperParameterIsRefusedWithNameAndValue(String name, DoubleFunction<?> build, double value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> build.apply(value));
        assertTrue(e.getMessage().startsWith(name + " "), "message names " + name + ": " + e.getMessage());
        if (!name.equals("learningRate")) {
            String shown = name.equals("tau") ? Long.toString((long) value) : Double.toString(value);
            assertTrue(e.getMessage().contains(shown), "message shows " + shown + ": " + e.getMessage());
        }
    }

    @Test
    void boundaryValuesAreAccepted() {
        new Momentum(A, 0);
        new RmsProp(A, 0, Double.MIN_VALUE);
        new Adam(A, 0, 0, 1e-300);
        new LinearDecay(1e-9, 0, 1);
    }

    @Test
    void lengthMismatchIsRefusedBeforeAnythingIsModified() {
        Optimizer opt = Optimizer.create(Adam.of(0.1), new ScalarBackend(), 4);
        float[] theta = {1, 2, 3, 4};
        opt.step(theta, new float[] {1, 1, 1, 1});
        float[] thetaBefore = theta.clone();
        float[] sBefore = opt.state().buffer("s").toFloatArray();
        float[] rBefore = opt.state().buffer("r").toFloatArray();

        assertUnchangedAfterFailure(opt, theta, thetaBefore, sBefore, rBefore,
                () -> opt.step(theta, new float[] {1, 1, 1}), "gradient has length 3", "4 parameters");
        assertUnchangedAfterFailure(opt, theta, thetaBefore, sBefore, rBefore,
                () -> opt.step(new float[5], new float[5]), "parameters has length 5", "4 parameters");
        assertUnchangedAfterFailure(opt, theta, thetaBefore, sBefore, rBefore,
                () -> opt.step(theta, (float[]) null), "gradient must not be null");
        Buffer foreign = new ForeignBuffer(4);
        assertUnchangedAfterFailure(opt, theta, thetaBefore, sBefore, rBefore,
                () -> opt.step(org.optim4j.spi.FloatArrayBuffer.wrap(theta), foreign), "gradient", "not a buffer of backend 'scalar'");
        assertUnchangedAfterFailure(opt, theta, thetaBefore, sBefore, rBefore,
                () -> opt.step(org.optim4j.spi.FloatArrayBuffer.wrap(theta), (GradientFunction) (p, g) -> {
                    throw new IllegalStateException("model failed");
                }), "model failed");
    }

    private static void assertUnchangedAfterFailure(Optimizer opt, float[] theta, float[] thetaBefore, float[] sBefore,
                                                    float[] rBefore, Executable call, String... messageParts) {
        RuntimeException e = assertThrows(RuntimeException.class, call);
        for (String part : messageParts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
        }
        assertArrayEquals(thetaBefore, theta, "parameters unchanged");
        assertArrayEquals(sBefore, opt.state().buffer("s").toFloatArray(), "s unchanged");
        assertArrayEquals(rBefore, opt.state().buffer("r").toFloatArray(), "r unchanged");
        assertEquals(1, opt.state().step(), "step counter unchanged");
    }

    @Test
    void unknownBackendNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.byName("warp"));
        assertTrue(e.getMessage().contains("'warp'") && e.getMessage().contains("scalar"), e.getMessage());
        assertEquals("scalar", Backends.byName("SCALAR").name());
    }

    /** A buffer of no backend's storage. */
    private record ForeignBuffer(int length) implements Buffer {
        @Override
        public double get(int i) {
            return 0;
        }

        @Override
        public void set(int i, double value) {
            throw new AssertionError("must not be written");
        }

        @Override
        public Precision precision() {
            return Precision.FLOAT32;
        }
    }
}
