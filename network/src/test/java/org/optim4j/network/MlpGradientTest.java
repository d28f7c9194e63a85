package org.optim4j.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.optim4j.spi.FloatArrayBuffer;

/** Back-propagation against central finite differences (float64), and each float32 engine against it. */
class MlpGradientTest {

    private static double[] randomVector(int n, double scale, Random random) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * random.nextGaussian();
        }
        return v;
    }

    private static double[][] randomInputs(int rows, int cols, Random random) {
        double[][] x = new double[rows][];
        for (int r = 0; r < rows; r++) {
            x[r] = randomVector(cols, 1, random);
        }
        return x;
    }

    /** max_i |a_i − b_i| / (max_i |b_i| + floor). */
    private static double relativeError(double[] a, double[] b, double floor) {
        double diff = 0;
        double scale = floor;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return diff / scale;
    }

    private static double[] finiteDifferences(ReferenceMlp net, double[] theta, double[][] x, int[] y) {
        double h = 1e-6;
        double[] fd = new double[theta.length];
        for (int i = 0; i < theta.length; i++) {
            double saved = theta[i];
            theta[i] = saved + h;
            double plus = net.loss(theta, x, y);
            theta[i] = saved - h;
            double minus = net.loss(theta, x, y);
            theta[i] = saved;
            fd[i] = (plus - minus) / (2 * h);
        }
        return fd;
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void backPropagationEqualsCentralDifferences(Activation activation) {
        Random random = new Random(7);
        MlpArchitecture arch = MlpArchitecture.of(activation, 5, 7, 6, 4);
        ReferenceMlp net = new ReferenceMlp(arch);
        double[] theta = randomVector(arch.parameterCount(), 0.5, random);
        double[][] x = randomInputs(3, 5, random);
        int[] y = {0, 3, 2};
        double[] analytic = net.gradient(theta, x, y);
        double[] numeric = finiteDifferences(net, theta, x, y);
        assertTrue(relativeError(analytic, numeric, 1e-3) < 1e-6,
                activation + ": back-propagation differs from finite differences by "
                        + relativeError(analytic, numeric, 1e-3));
    }

    /** The loss alone (no hidden layer: softmax cross-entropy of W·x + b), including logits far from 0. */
    @Test
    void softmaxCrossEntropyGradientEqualsCentralDifferences() {
        Random random = new Random(8);
        MlpArchitecture arch = MlpArchitecture.of(Activation.IDENTITY, 4, 5);
        ReferenceMlp net = new ReferenceMlp(arch);
        double[] theta = randomVector(arch.parameterCount(), 1, random);
        double[][] x = randomInputs(4, 4, random);
        int[] y = {4, 0, 1, 1};
        double[] numeric = finiteDifferences(net, theta, x, y);
        assertTrue(relativeError(net.gradient(theta, x, y), numeric, 1e-3) < 1e-6);
    }

    @Test
    void lossIsStableForHugeLogits() {
        MlpArchitecture arch = MlpArchitecture.of(Activation.IDENTITY, 1, 3);
        Mlp mlp = Mlp.create(arch, Engine.JAVA, 2);
        // W = (1000, 0, −1000)ᵀ, b = 0: logits ±1000 overflow a naive exp.
        float[] theta = {1000, 0, -1000, 0, 0, 0};
        float[] grad = new float[theta.length];
        Batch batch = Batch.of(new float[][] {{1}, {1}}, new int[] {0, 2});
        double loss = mlp.lossAndGradient(FloatArrayBuffer.wrap(theta), batch, FloatArrayBuffer.wrap(grad));
        // Row 0 is right with certainty (loss 0); row 1 puts 2000 against its label: loss 2000. Mean 1000.
        assertEquals(1000.0, loss, 1e-3);
        for (float g : grad) {
            assertTrue(Float.isFinite(g), "gradient must be finite, got " + g);
        }
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void javaEngineEqualsReference(Activation activation) {
        engineEqualsReference(Engine.JAVA, activation);
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void nd4jEngineEqualsReference(Activation activation) {
        engineEqualsReference(Engine.ND4J, activation);
    }

    /** The float32 engine's gradient, at float32 parameters, against the float64 reference at the same point. */
    private static void engineEqualsReference(Engine engine, Activation activation) {
        Random random = new Random(9);
        MlpArchitecture arch = MlpArchitecture.of(activation, 8, 16, 12, 5);
        int rows = 6;
        float[] theta = new float[arch.parameterCount()];
        double[] thetaD = new double[theta.length];
        for (int i = 0; i < theta.length; i++) {
            theta[i] = (float) (0.4 * random.nextGaussian());
            thetaD[i] = theta[i];
        }
        float[][] x = new float[rows][8];
        double[][] xD = new double[rows][8];
        int[] y = new int[rows];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < 8; c++) {
                // Some exact zeros, as ReLU outputs and blank pixels have, exercise the engines' zero skipping.
                x[r][c] = c % 3 == 0 ? 0f : (float) random.nextGaussian();
                xD[r][c] = x[r][c];
            }
            y[r] = random.nextInt(5);
        }
        ReferenceMlp reference = new ReferenceMlp(arch);
        double[] expected = reference.gradient(thetaD, xD, y);
        Mlp mlp = Mlp.create(arch, engine, 8);
        float[] grad = new float[theta.length];
        double loss = mlp.lossAndGradient(FloatArrayBuffer.wrap(theta), Batch.of(x, y), FloatArrayBuffer.wrap(grad));
        assertEquals(reference.loss(thetaD, xD, y), loss, 1e-5, engine + "/" + activation + " loss");
        double[] actual = new double[grad.length];
        for (int i = 0; i < grad.length; i++) {
            actual[i] = grad[i];
        }
        double err = relativeError(actual, expected, 1e-3);
        assertTrue(err < 1e-5, engine + "/" + activation + ": gradient differs from the float64 reference by " + err);
    }
}
