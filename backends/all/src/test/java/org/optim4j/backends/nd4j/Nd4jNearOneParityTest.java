package org.optim4j.backends.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.optim4j.Optimizer;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.backends.simd.SimdBackend;
import org.optim4j.rule.Adam;
import org.optim4j.rule.RmsProp;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;

/**
 * RMSProp and Adam with ρ₂ near 1 (0.999, 0.9999) and a small and a large ε (1e-8, 1e-3), on the {@code nd4j}
 * backend (float32 and float64) and on {@code simd} (a float32 kernel, the control), against the scalar reference.
 *
 * <p>Why a test of its own: ND4J's native updater ops round ρ₂ to float32 and compute 1 − ρ₂ and
 * 1 − ρ₂^(t+1) in float32. Near 1 that is far from a float32 rounding of the result: for ρ₂ = 0.9999,
 * 1 − (float) ρ₂ = 1.000166e-4, 1.7e-4 off. The configurations of the general parity test (ρ₂ ≤ 0.999, and
 * θ compared as a whole) do not show it.
 *
 * <p>What is compared, per element, with the parity test's tolerance {@code |x − ref| ≤ REL·(|ref| + rms(ref))},
 * REL = 1e-5 (see BackendParityTest for why):
 * <ul>
 *   <li>the update Δθ of every step: θ is set to 0 before each step, so θ after it is the step's update, rounded
 *       once; compared as θ instead, an update off by 1e-4 relative hides under θ's own magnitude;</li>
 *   <li>the state buffers s and r after every step (r, a sum of squares, is compared relative to itself alone:
 *       it has no cancellation to excuse);</li>
 *   <li>θ after a whole run of {@value #STEPS} steps from non-zero parameters.</li>
 * </ul>
 * The gradients span four decades (|g| from 1e-4 to 1), so ε = 1e-3 dominates √r̂ for some elements and is
 * negligible for others.
 */
class Nd4jNearOneParityTest {
    private static final int N = 4099;
    private static final int STEPS = 20;
    private static final double REL = 1e-5;

    private static final List<Backend> BACKENDS = new ArrayList<>();

    @AfterAll
    static void close() {
        BACKENDS.forEach(Backend::close);
    }

    record Config(String label, UpdateRule rule) {
    }

    static List<Config> configs() {
        List<Config> configs = new ArrayList<>();
        for (double rho2 : new double[] {0.999, 0.9999}) {
            for (double eps : new double[] {1e-8, 1e-3}) {
                configs.add(new Config("rmsprop ρ₂=" + rho2 + " ε=" + eps,
                        new RmsProp(Schedule.linearDecay(1e-3, 1e-4, STEPS), rho2, eps)));
                configs.add(new Config("adam ρ₁=0.9 ρ₂=" + rho2 + " ε=" + eps,
                        new Adam(Schedule.linearDecay(1e-2, 1e-3, STEPS), 0.9, rho2, eps)));
            }
        }
        return configs;
    }

    /** A deterministic value in [−1, 1) from (stream, index). */
    static double noise(long stream, long i) {
        long z = stream * 0x9E3779B97F4A7C15L + i * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-52 - 1.0;
    }

    /** The gradient of step t: a sign and magnitude per step, a scale per element from 1e-4 to 1. */
    static float[] gradient(int t) {
        float[] g = new float[N];
        for (int i = 0; i < N; i++) {
            double scale = Math.pow(10, -2 * (noise(7, i) + 1));
            g[i] = (float) (noise(100 + t, i) * scale);
        }
        return g;
    }

    static double[] values(Buffer b) {
        if (b instanceof Nd4jBuffer nd) {
            return nd.toDoubleArray();
        }
        double[] d = new double[b.length()];
        for (int i = 0; i < d.length; i++) {
            d[i] = b.get(i);
        }
        return d;
    }

    /** Per step: the update, then each state buffer; at the end: θ of a run from non-zero parameters. */
    record Run(List<List<double[]>> perStep, double[] theta) {
    }

    static Run run(UpdateRule rule, Backend backend) {
        Optimizer opt = Optimizer.create(rule, backend, N);
        Buffer theta = opt.newBuffer();
        Buffer g = opt.newBuffer();
        float[] zeros = new float[N];
        List<List<double[]>> perStep = new ArrayList<>();
        for (int t = 0; t < STEPS; t++) {
            theta.copyFrom(zeros);
            g.copyFrom(gradient(t));
            opt.step(theta, g);
            List<double[]> after = new ArrayList<>(List.of(values(theta)));
            opt.state().buffers().forEach(b -> after.add(values(b)));
            perStep.add(after);
        }
        Optimizer whole = Optimizer.create(rule, backend, N);
        Buffer theta2 = whole.newBuffer();
        float[] theta0 = new float[N];
        for (int i = 0; i < N; i++) {
            theta0[i] = (float) noise(1, i);
        }
        theta2.copyFrom(theta0);
        for (int t = 0; t < STEPS; t++) {
            g.copyFrom(gradient(t));
            whole.step(theta2, g);
        }
        return new Run(perStep, values(theta2));
    }

    /** Element-wise |x − ref| ≤ REL·(|ref| + slack·rms(ref)). */
    static void assertClose(String what, double[] ref, double[] x, double slack) {
        assertEquals(ref.length, x.length, what);
        double sum = 0;
        for (double e : ref) {
            sum += e * e;
        }
        double rms = Math.sqrt(sum / ref.length);
        int bad = 0;
        int first = -1;
        double worst = 0;
        for (int i = 0; i < ref.length; i++) {
            double err = Math.abs(x[i] - ref[i]);
            if (!(err <= REL * (Math.abs(ref[i]) + slack * rms))) {
                bad++;
                first = first < 0 ? i : first;
            }
            if (ref[i] != 0) {
                worst = Math.max(worst, err / Math.abs(ref[i]));
            }
        }
        if (bad > 0) {
            fail(String.format("%s: %d of %d elements off, first [%d] = %.9g vs reference %.9g; largest relative "
                    + "error %.3g (tolerance %.0e)", what, bad, ref.length, first, x[first], ref[first], worst, REL));
        }
    }

    @TestFactory
    Stream<DynamicNode> nearOneRho2MatchesTheReferenceStepByStep() {
        assumeTrue(Nd4jRuntime.status().available(), "nd4j is not available here: " + Nd4jRuntime.status().reason());
        if (BACKENDS.isEmpty()) {
            BACKENDS.add(new Nd4jBackend());
            BACKENDS.add(new Nd4jBackend(Buffer.Precision.FLOAT64));
            BACKENDS.add(new SimdBackend(1));
        }
        return configs().stream().flatMap(c -> {
            UpdateRule rule = c.rule();
            Run[] reference = new Run[1];
            return BACKENDS.stream().map(b -> DynamicTest.dynamicTest(c.label() + " on " + b, () -> {
                if (reference[0] == null) {
                    reference[0] = run(rule, new ScalarBackend());
                }
                Run ref = reference[0];
                Run got = run(rule, b);
                List<String> names = new ArrayList<>(List.of("Δθ"));
                names.addAll(rule.stateNames());
                for (int t = 0; t < STEPS; t++) {
                    for (int k = 0; k < names.size(); k++) {
                        boolean r = names.get(k).equals("r");
                        assertClose(c.label() + " on " + b + ", " + names.get(k) + " of step " + t,
                                ref.perStep().get(t).get(k), got.perStep().get(t).get(k), r ? 0 : 1);
                    }
                }
                assertClose(c.label() + " on " + b + ", θ after " + STEPS + " steps", ref.theta(), got.theta(), 1);
            }));
        });
    }
}
