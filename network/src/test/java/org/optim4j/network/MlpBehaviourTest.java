package org.optim4j.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.optim4j.Optimizer;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.rule.Adam;
import org.optim4j.spi.FloatArrayBuffer;

/** What the spec asks of the network beyond its gradient: linear collapse, fitting, shape checks. */
class MlpBehaviourTest {

    private static float[] gaussian(int n, double scale, Random random) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (scale * random.nextGaussian());
        }
        return v;
    }

    /** Identity activations only: the three layers compose to one W = W3·W2·W1, b = W3·(W2·b1 + b2) + b3. */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void identityNetworkEqualsOneLinearLayer(Engine engine) {
        Random random = new Random(11);
        MlpArchitecture deep = MlpArchitecture.of(Activation.IDENTITY, 6, 5, 4, 3);
        float[] theta = gaussian(deep.parameterCount(), 0.5, random);
        for (int i = 0; i < theta.length; i++) {
            theta[i] = (float) (theta[i] + 0.1);     // non-zero biases too
        }
        // Compose in double, layer by layer: the map x ↦ M·x + c.
        double[][] m = identity(6);
        double[] c = new double[6];
        for (int l = 1; l <= 3; l++) {
            int nIn = deep.size(l - 1);
            int nOut = deep.size(l);
            double[][] next = new double[nOut][6];
            double[] nextC = new double[nOut];
            for (int i = 0; i < nOut; i++) {
                nextC[i] = theta[deep.biasOffset(l) + i];
                for (int k = 0; k < nIn; k++) {
                    double w = theta[deep.weightOffset(l) + i * nIn + k];
                    nextC[i] += w * c[k];
                    for (int j = 0; j < 6; j++) {
                        next[i][j] += w * m[k][j];
                    }
                }
            }
            m = next;
            c = nextC;
        }
        MlpArchitecture shallow = MlpArchitecture.of(Activation.IDENTITY, 6, 3);
        float[] single = new float[shallow.parameterCount()];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 6; j++) {
                single[shallow.weightOffset(1) + i * 6 + j] = (float) m[i][j];
            }
            single[shallow.biasOffset(1) + i] = (float) c[i];
        }
        float[][] x = new float[5][];
        for (int r = 0; r < 5; r++) {
            x[r] = gaussian(6, 1, random);
        }
        Batch batch = Batch.of(x, new int[5]);
        float[] deepOut = new float[15];
        float[] shallowOut = new float[15];
        Mlp.create(deep, engine, 5).logits(FloatArrayBuffer.wrap(theta), batch, deepOut);
        Mlp.create(shallow, engine, 5).logits(FloatArrayBuffer.wrap(single), batch, shallowOut);
        assertArrayEquals(shallowOut, deepOut, 1e-5f);
    }

    private static double[][] identity(int n) {
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            m[i][i] = 1;
        }
        return m;
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void overfitsATinyBatch(Engine engine) {
        Random random = new Random(12);
        MlpArchitecture arch = MlpArchitecture.of(Activation.RELU, 16, 32, 16, 4);
        float[][] x = new float[8][];
        int[] y = new int[8];
        for (int r = 0; r < 8; r++) {
            x[r] = gaussian(16, 1, random);
            y[r] = r % 4;
        }
        Batch batch = Batch.of(x, y);
        Mlp mlp = Mlp.create(arch, engine, 8);
        Optimizer adam = Optimizer.create(Adam.of(0.01), new ScalarBackend(), arch.parameterCount());
        FloatArrayBuffer theta = FloatArrayBuffer.zeros(arch.parameterCount());
        mlp.initialise(theta, 5);
        Mlp.Objective objective = mlp.objective(batch);
        FloatArrayBuffer gradient = FloatArrayBuffer.zeros(arch.parameterCount());
        double first = mlp.lossAndGradient(theta, batch, gradient);
        for (int step = 0; step < 300; step++) {
            adam.step(theta, objective);
        }
        double last = mlp.lossAndGradient(theta, batch, gradient);
        assertTrue(first > 1, "an untrained network should be unsure, loss " + first);
        assertTrue(last < 1e-3, engine + ": loss after 300 Adam steps is " + last + " (started at " + first + ")");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void misShapedInputsAreRefusedWithBothShapesAndNothingIsWritten(Engine engine) {
        MlpArchitecture arch = MlpArchitecture.of(Activation.TANH, 4, 3, 2);
        Mlp mlp = Mlp.create(arch, engine, 2);
        FloatArrayBuffer theta = FloatArrayBuffer.zeros(arch.parameterCount());
        FloatArrayBuffer gradient = FloatArrayBuffer.wrap(filled(arch.parameterCount(), 7f));
        Batch wide = Batch.of(new float[][] {{1, 2, 3, 4, 5}}, new int[] {0});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> mlp.lossAndGradient(theta, wide, gradient));
        assertTrue(e.getMessage().contains("[1 × 5]") && e.getMessage().contains("× 4]"), e.getMessage());

        Batch tooMany = Batch.of(new float[][] {{1, 2, 3, 4}, {1, 2, 3, 4}, {1, 2, 3, 4}}, new int[3]);
        e = assertThrows(IllegalArgumentException.class, () -> mlp.lossAndGradient(theta, tooMany, gradient));
        assertTrue(e.getMessage().contains("[3 × 4]") && e.getMessage().contains("[1..2 × 4]"), e.getMessage());

        FloatArrayBuffer shortTheta = FloatArrayBuffer.zeros(arch.parameterCount() - 1);
        Batch ok = Batch.of(new float[][] {{1, 2, 3, 4}}, new int[] {1});
        e = assertThrows(IllegalArgumentException.class, () -> mlp.lossAndGradient(shortTheta, ok, gradient));
        assertTrue(e.getMessage().contains(String.valueOf(arch.parameterCount() - 1))
                && e.getMessage().contains(String.valueOf(arch.parameterCount())), e.getMessage());

        Batch badLabel = Batch.of(new float[][] {{1, 2, 3, 4}}, new int[] {2});
        e = assertThrows(IllegalArgumentException.class, () -> mlp.lossAndGradient(theta, badLabel, gradient));
        assertTrue(e.getMessage().contains("label 2") && e.getMessage().contains("0..1"), e.getMessage());

        float[] smallLogits = new float[1];
        e = assertThrows(IllegalArgumentException.class, () -> mlp.logits(theta, ok, smallLogits));
        assertTrue(e.getMessage().contains("length 1") && e.getMessage().contains("[1 × 2]"), e.getMessage());

        assertArrayEquals(filled(arch.parameterCount(), 7f), gradient.array(), "a refused call wrote the gradient");
    }

    private static float[] filled(int n, float value) {
        float[] v = new float[n];
        Arrays.fill(v, value);
        return v;
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void initialisationIsSeeded(Engine engine) {
        MlpArchitecture arch = MlpArchitecture.of(Activation.RELU, 64, 128, 64, 10);
        Mlp mlp = Mlp.create(arch, engine, 1);
        FloatArrayBuffer a = FloatArrayBuffer.zeros(arch.parameterCount());
        FloatArrayBuffer b = FloatArrayBuffer.zeros(arch.parameterCount());
        FloatArrayBuffer c = FloatArrayBuffer.zeros(arch.parameterCount());
        mlp.initialise(a, 1);
        mlp.initialise(b, 1);
        mlp.initialise(c, 2);
        assertArrayEquals(a.array(), b.array());
        assertFalse(Arrays.equals(a.array(), c.array()));
        // He: the spread of W1 is √(2/64) = 0.177; the biases start at 0.
        double sumSq = 0;
        for (int i = 0; i < 128 * 64; i++) {
            sumSq += a.array()[arch.weightOffset(1) + i] * a.array()[arch.weightOffset(1) + i];
        }
        assertEquals(Math.sqrt(2.0 / 64), Math.sqrt(sumSq / (128 * 64)), 0.01);
        assertEquals(0f, a.array()[arch.biasOffset(1)]);
    }

    /** List.of's lists throw on contains(null): the constructor took them with a NullPointerException. */
    @org.junit.jupiter.api.Test
    void architectureTakesImmutableListsAndRefusesANullActivationInOneLine() {
        MlpArchitecture a = new MlpArchitecture(new int[] {4, 3, 2}, java.util.List.of(Activation.RELU));
        assertEquals(Activation.RELU, a.activation(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MlpArchitecture(new int[] {4, 3, 2}, Arrays.asList((Activation) null)));
        assertTrue(e.getMessage().startsWith("need one activation per hidden layer"), e.getMessage());
    }
}
