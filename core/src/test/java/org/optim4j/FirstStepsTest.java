package org.optim4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.rule.AdaGrad;
import org.optim4j.rule.Adam;
import org.optim4j.rule.Momentum;
import org.optim4j.rule.Nesterov;
import org.optim4j.rule.RmsProp;
import org.optim4j.rule.Sgd;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;
import org.optim4j.spi.FloatArrayBuffer;

/**
 * The first three steps of every rule, worked out here from the spec's equations with the numbers
 * written out, against the scalar reference. One parameter θ₀ = 1 and the gradient sequence
 * g₀ = 0.5, g₁ = 0.25, g₂ = −1 (given, not computed from θ), so each line is plain arithmetic.
 * ε = 0.1 (far above its default) so that putting ε inside the square root, or before Adam's bias
 * correction, changes the result well beyond float32 rounding.
 */
class FirstStepsTest {
    private static final float[] GRADIENTS = {0.5f, 0.25f, -1f};

    /** θ and the state buffers after each of the three steps. */
    private record Trace(double[] theta, double[][] state) {
    }

    private static Trace run(UpdateRule rule) {
        Optimizer opt = Optimizer.create(rule, new ScalarBackend(), 1);
        float[] theta = {1f};
        double[] thetas = new double[3];
        double[][] state = new double[rule.stateNames().size()][3];
        for (int t = 0; t < 3; t++) {
            opt.step(theta, new float[] {GRADIENTS[t]});
            thetas[t] = theta[0];
            for (int b = 0; b < state.length; b++) {
                state[b][t] = opt.state().buffers().get(b).get(0);
            }
        }
        assertEquals(3, opt.state().step(), "step counter");
        return new Trace(thetas, state);
    }

    /** Float32 storage: each stored value is within a few roundings of the exact one. */
    private static void assertClose(double[] expected, double[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 3e-7 * Math.max(1, Math.abs(expected[i])), what + " after step " + i);
        }
    }

    @Test
    void sgdWithLinearDecay() {
        // α_t = (1 − t/2)·0.1 + (t/2)·0.01: α₀ = 0.1, α₁ = 0.055, α₂ = 0.01 (= α_τ from t = τ = 2 on)
        Trace tr = run(new Sgd(Schedule.linearDecay(0.1, 0.01, 2)));
        double th1 = 1 - 0.1 * 0.5;          // 0.95
        double th2 = th1 - 0.055 * 0.25;     // 0.93625
        double th3 = th2 - 0.01 * -1;        // 0.94625
        assertClose(new double[] {th1, th2, th3}, tr.theta(), "θ");
    }

    @Test
    void momentum() {
        Trace tr = run(Momentum.of(0.1, 0.9));
        double s1 = 0.9 * 0 - 0.1 * 0.5, th1 = 1 + s1;      // −0.05, 0.95
        double s2 = 0.9 * s1 - 0.1 * 0.25, th2 = th1 + s2;  // −0.07, 0.88
        double s3 = 0.9 * s2 - 0.1 * -1, th3 = th2 + s3;    // 0.037, 0.917
        assertClose(new double[] {th1, th2, th3}, tr.theta(), "θ");
        assertClose(new double[] {s1, s2, s3}, tr.state()[0], "s");
    }

    @Test
    void nesterovReparametrised() {
        // θ̃ = θ̃ + (1+ρ)·s' − ρ·s with s' = ρ·s − α·g, gradient taken at θ̃
        Trace tr = run(Nesterov.of(0.1, 0.9));
        double s1 = 0.9 * 0 - 0.1 * 0.5, th1 = 1 + 1.9 * s1 - 0.9 * 0;       // 0.905
        double s2 = 0.9 * s1 - 0.1 * 0.25, th2 = th1 + 1.9 * s2 - 0.9 * s1;  // 0.817
        double s3 = 0.9 * s2 - 0.1 * -1, th3 = th2 + 1.9 * s3 - 0.9 * s2;    // 0.9503
        assertClose(new double[] {th1, th2, th3}, tr.theta(), "θ̃");
        assertClose(new double[] {s1, s2, s3}, tr.state()[0], "s");
    }

    @Test
    void nesterovSpecFormTakesTheGradientAtTheLookAheadPoint() {
        // R(θ) = θ²/2, so g = θ' at the look-ahead point θ' = θ + ρ·s.
        Optimizer opt = Optimizer.create(Nesterov.of(0.1, 0.9), new ScalarBackend(), 1);
        FloatArrayBuffer theta = FloatArrayBuffer.wrap(new float[] {1f});
        List<Double> seen = new ArrayList<>();
        GradientFunction identity = (point, gradient) -> {
            seen.add(point.get(0));
            gradient.set(0, point.get(0));
        };
        double s = 0, th = 1;
        for (int t = 0; t < 3; t++) {
            opt.step(theta, identity);
            double look = th + 0.9 * s;  // 1, 0.9, then 0.729...
            assertEquals(look, seen.get(t), 1e-6, "look-ahead point of step " + t);
            s = 0.9 * s - 0.1 * look;
            th = th + s;
            assertEquals(th, theta.get(0), 1e-6, "θ after step " + t);
            assertEquals(s, opt.state().buffer("s").get(0), 1e-6, "s after step " + t);
        }
    }

    @Test
    void adaGrad() {
        Trace tr = run(new AdaGrad(Schedule.constant(0.1), 0.1));
        double r1 = 0 + 0.5 * 0.5, th1 = 1 - 0.1 * 0.5 / (Math.sqrt(r1) + 0.1);         // 0.25, 0.91667
        double r2 = r1 + 0.25 * 0.25, th2 = th1 - 0.1 * 0.25 / (Math.sqrt(r2) + 0.1);   // 0.3125, 0.87873
        double r3 = r2 + 1 * 1, th3 = th2 - 0.1 * -1 / (Math.sqrt(r3) + 0.1);           // 1.3125, 0.95901
        assertClose(new double[] {th1, th2, th3}, tr.theta(), "θ");
        assertClose(new double[] {r1, r2, r3}, tr.state()[0], "r");
    }

    @Test
    void rmsProp() {
        Trace tr = run(new RmsProp(Schedule.constant(0.1), 0.9, 0.1));
        double r1 = 0.9 * 0 + 0.1 * 0.25, th1 = 1 - 0.1 * 0.5 / (Math.sqrt(r1) + 0.1);        // 0.025, 0.80629
        double r2 = 0.9 * r1 + 0.1 * 0.0625, th2 = th1 - 0.1 * 0.25 / (Math.sqrt(r2) + 0.1);  // 0.02875, 0.71354
        double r3 = 0.9 * r2 + 0.1 * 1, th3 = th2 - 0.1 * -1 / (Math.sqrt(r3) + 0.1);         // 0.125875, 0.93343
        assertClose(new double[] {th1, th2, th3}, tr.theta(), "θ");
        assertClose(new double[] {r1, r2, r3}, tr.state()[0], "r");
    }

    @Test
    void adam() {
        Trace tr = run(new Adam(Schedule.constant(0.1), 0.9, 0.999, 0.1));
        double s1 = 0.1 * 0.5, r1 = 0.001 * 0.25;                       // 0.05, 0.00025
        double th1 = 1 - 0.1 * (s1 / (1 - 0.9)) / (Math.sqrt(r1 / (1 - 0.999)) + 0.1);            // 0.91667
        double s2 = 0.9 * s1 + 0.1 * 0.25, r2 = 0.999 * r1 + 0.001 * 0.0625;  // 0.07, 0.00031225
        double th2 = th1 - 0.1 * (s2 / (1 - 0.81)) / (Math.sqrt(r2 / (1 - 0.998001)) + 0.1);      // 0.84227
        double s3 = 0.9 * s2 + 0.1 * -1, r3 = 0.999 * r2 + 0.001 * 1;          // −0.037, 0.00131194
        double th3 = th2 - 0.1 * (s3 / (1 - 0.729)) / (Math.sqrt(r3 / (1 - 0.997002999)) + 0.1);  // 0.86020
        assertClose(new double[] {th1, th2, th3}, tr.theta(), "θ");
        assertClose(new double[] {s1, s2, s3}, tr.state()[0], "s");
        assertClose(new double[] {r1, r2, r3}, tr.state()[1], "r");
    }

    // ---------------------------------------------------------------- past τ, and Nesterov under a schedule

    /** θ and the state buffers after each step of {@code rule} with the given gradients, from θ₀ = 1. */
    private static Trace run(UpdateRule rule, float... gradients) {
        Optimizer opt = Optimizer.create(rule, new ScalarBackend(), 1);
        float[] theta = {1f};
        double[] thetas = new double[gradients.length];
        double[][] state = new double[rule.stateNames().size()][gradients.length];
        for (int t = 0; t < gradients.length; t++) {
            opt.step(theta, new float[] {gradients[t]});
            thetas[t] = theta[0];
            for (int b = 0; b < state.length; b++) {
                state[b][t] = opt.state().buffers().get(b).get(0);
            }
        }
        assertEquals(gradients.length, opt.state().step(), "step counter");
        return new Trace(thetas, state);
    }

    /** Up to 5 float32 roundings of values near 1 (a formula error is off by 1e-3 or more). */
    private static void assertNear(double[] expected, double[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6, what + " after step " + i);
        }
    }

    @Test
    void sgdPastTheEndOfALinearDecay() {
        // τ = 2: α₀ = 0.1, α₁ = 0.5·0.1 + 0.5·0.01 = 0.055, then α_t = α_τ = 0.01 for t = 2, 3, 4
        // (continuing the line instead would give α₃ = −0.035, α₄ = −0.08).
        Trace tr = run(new Sgd(Schedule.linearDecay(0.1, 0.01, 2)), 0.5f, 0.25f, -1f, 0.5f, 2f);
        // θ₁ = 1 − 0.1·0.5 = 0.95; θ₂ = 0.95 − 0.055·0.25 = 0.93625; θ₃ = 0.93625 − 0.01·(−1) = 0.94625;
        // θ₄ = 0.94625 − 0.01·0.5 = 0.94125; θ₅ = 0.94125 − 0.01·2 = 0.92125
        assertNear(new double[] {0.95, 0.93625, 0.94625, 0.94125, 0.92125}, tr.theta(), "θ");
    }

    @Test
    void nesterovReparametrisedUnderADecayPastItsEnd() {
        // α: 0.1, 0.5·0.1 + 0.5·0.02 = 0.06, then 0.02, 0.02 (τ = 2); ρ = 0.9; s' = ρ·s − α_t·g; θ̃ += 1.9·s' − 0.9·s
        Trace tr = run(new Nesterov(Schedule.linearDecay(0.1, 0.02, 2), 0.9), 0.5f, 0.25f, -1f, 0.5f);
        // s₁ = −0.1·0.5 = −0.05                  θ̃₁ = 1 + 1.9·(−0.05) = 0.905
        // s₂ = 0.9·(−0.05) − 0.06·0.25 = −0.06    θ̃₂ = 0.905 − 0.114 + 0.045 = 0.836
        // s₃ = 0.9·(−0.06) − 0.02·(−1) = −0.034   θ̃₃ = 0.836 − 0.0646 + 0.054 = 0.8254
        // s₄ = 0.9·(−0.034) − 0.02·0.5 = −0.0406  θ̃₄ = 0.8254 − 0.07714 + 0.0306 = 0.77886
        assertNear(new double[] {0.905, 0.836, 0.8254, 0.77886}, tr.theta(), "θ̃");
        assertNear(new double[] {-0.05, -0.06, -0.034, -0.0406}, tr.state()[0], "s");
    }

    @Test
    void nesterovSpecFormUnderADecayPastItsEnd() {
        // R(θ) = θ²/2, so g = θ + ρ·s at the look-ahead point; α: 0.1, 0.06, 0.02, 0.02; ρ = 0.9; s = ρ·s − α_t·g; θ += s
        Optimizer opt = Optimizer.create(new Nesterov(Schedule.linearDecay(0.1, 0.02, 2), 0.9),
                new ScalarBackend(), 1);
        FloatArrayBuffer theta = FloatArrayBuffer.wrap(new float[] {1f});
        List<Double> seen = new ArrayList<>();
        GradientFunction identity = (point, gradient) -> {
            seen.add(point.get(0));
            gradient.set(0, point.get(0));
        };
        // t = 0: look 1;                                  s₁ = −0.1·1 = −0.1;                               θ₁ = 0.9
        // t = 1: look 0.9 + 0.9·(−0.1) = 0.81;            s₂ = −0.09 − 0.06·0.81 = −0.1386;                 θ₂ = 0.7614
        // t = 2: look 0.7614 − 0.12474 = 0.63666;         s₃ = −0.12474 − 0.02·0.63666 = −0.1374732;        θ₃ = 0.6239268
        // t = 3: look 0.6239268 − 0.12372588 = 0.50020092; s₄ = −0.12372588 − 0.0100040184 = −0.1337298984; θ₄ = 0.4901969016
        double[] look = {1, 0.81, 0.63666, 0.50020092};
        double[] s = {-0.1, -0.1386, -0.1374732, -0.1337298984};
        double[] th = {0.9, 0.7614, 0.6239268, 0.4901969016};
        for (int t = 0; t < 4; t++) {
            opt.step(theta, identity);
            assertEquals(look[t], seen.get(t), 1e-6, "look-ahead point of step " + t);
            assertEquals(s[t], opt.state().buffer("s").get(0), 1e-6, "s after step " + t);
            assertEquals(th[t], theta.get(0), 1e-6, "θ after step " + t);
        }
    }
}
