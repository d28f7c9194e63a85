package org.optim4j.network.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.optim4j.Optimizer;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.network.Activation;
import org.optim4j.network.Engine;
import org.optim4j.network.Mlp;
import org.optim4j.network.MlpArchitecture;
import org.optim4j.network.data.Dataset;
import org.optim4j.network.data.Digits;
import org.optim4j.rule.Adam;
import org.optim4j.rule.Nesterov;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spi.FloatArrayBuffer;

class TrainerTest {
    private static final Dataset.Split DIGITS = Digits.load().scaledBy(Digits.MAX_PIXEL).split(0.8, 42);
    private static final MlpArchitecture ARCH = MlpArchitecture.of(Activation.RELU, 64, 32, 10);

    private static Trainer trainer(UpdateRule rule, Engine engine, long seed, Trainer.NesterovForm form) {
        Mlp mlp = Mlp.create(ARCH, engine, 32);
        Optimizer optimizer = Optimizer.create(rule, new ScalarBackend(), ARCH.parameterCount());
        FloatArrayBuffer theta = FloatArrayBuffer.zeros(ARCH.parameterCount());
        mlp.initialise(theta, seed);
        return new Trainer(mlp, optimizer, theta, DIGITS.train(), DIGITS.test(), 32, seed, form);
    }

    private static float[] params(Trainer t) {
        return ((FloatArrayBuffer) t.parameters()).array();
    }

    @Test
    void sameSeedGivesBitwiseIdenticalRuns() {
        for (Engine engine : Engine.values()) {
            Trainer a = trainer(Adam.defaults(), engine, 3, Trainer.NesterovForm.SPEC);
            Trainer b = trainer(Adam.defaults(), engine, 3, Trainer.NesterovForm.SPEC);
            Trainer c = trainer(Adam.defaults(), engine, 4, Trainer.NesterovForm.SPEC);
            List<Trainer.EpochResult> ra = a.run(0, 2, null);
            List<Trainer.EpochResult> rb = b.run(0, 2, null);
            c.run(0, 2, null);
            int[] bitsA = bits(params(a));
            assertArrayEquals(bitsA, bits(params(b)), engine + ": same seed, different parameters");
            assertEquals(ra.get(1).trainLoss(), rb.get(1).trainLoss());
            assertFalse(Arrays.equals(bitsA, bits(params(c))), engine + ": another seed gave the same run");
        }
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    /** A few epochs on the digits already separate them well: the loop, shuffle and evaluation work together. */
    @Test
    void learnsTheDigits() {
        Trainer t = trainer(Adam.of(3e-3), Engine.JAVA, 1, Trainer.NesterovForm.SPEC);
        List<Trainer.EpochResult> r = t.run(0, 3, null);
        assertTrue(r.get(2).trainLoss() < r.get(0).trainLoss());
        assertTrue(r.get(2).testAccuracy() > 0.9, "test accuracy after 3 epochs: " + r.get(2).testAccuracy());
    }

    /**
     * Nesterov on the network, both forms over the same mini-batches: the reparametrised parameters
     * are θ̃ = θ + ρ·s of the spec form's (up to float32 rounding).
     */
    @Test
    void nesterovFormsFollowTheSameTrajectory() {
        double rho = 0.9;
        Trainer spec = trainer(Nesterov.of(0.05, rho), Engine.JAVA, 6, Trainer.NesterovForm.SPEC);
        Trainer reparam = trainer(Nesterov.of(0.05, rho), Engine.JAVA, 6, Trainer.NesterovForm.REPARAMETRISED);
        spec.run(0, 1, null);
        reparam.run(0, 1, null);
        float[] theta = params(spec);
        float[] s = spec.optimizer().state().buffer("s").toFloatArray();
        float[] thetaTilde = params(reparam);
        double maxDiff = 0;
        double maxStep = 0;
        double maxTheta = 0;
        for (int i = 0; i < theta.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(theta[i] + rho * s[i] - thetaTilde[i]));
            maxStep = Math.max(maxStep, Math.abs(s[i]));
            maxTheta = Math.max(maxTheta, Math.abs(thetaTilde[i]));
        }
        assertTrue(maxStep > 1e-3, "the run should have moved the parameters");
        // The forms round differently: at most about an ulp of the largest parameter (2^-23·max|θ̃|) per step, over
        // the epoch's steps. Measured: 3.1e-7 after 45 steps with max|θ̃| = 1.02, against a bound of 5.5e-6; with α
        // 0.003% off in one form they differ by 1.7e-5 (0.1% off: 8.5e-3).
        long steps = spec.optimizer().state().step();
        double tolerance = steps * 0x1.0p-23 * maxTheta;
        assertTrue(maxDiff <= tolerance, "θ + ρ·s and θ̃ differ by " + maxDiff + " after one epoch of " + steps
                + " steps (tolerance " + tolerance + ")");
    }
}
