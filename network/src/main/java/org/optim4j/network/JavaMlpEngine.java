package org.optim4j.network;

import java.util.Arrays;
import org.optim4j.spi.Buffer;

/**
 * The plain-Java engine: every product is a sequence of axpy loops ({@code y[j] += a·x[j]}) that C2
 * vectorises. JDK 17's C2 vectorises such a loop only when every array in it is indexed by the same
 * expression, so matrices here are arrays of rows ({@code float[][]}, each row starting at index 0)
 * rather than one array with row offsets: measured on this machine, a 128-long axpy takes ~12 ns
 * that way and ~40 ns (not vectorised) with different offsets into the arrays.
 *
 * <p>Per pass the weights are copied from the flat parameter vector into row form (W⁽ˡ⁾ᵀ for the
 * forward product, W⁽ˡ⁾ for δ·W): n_l·n_{l−1} moves against rows·n_l·n_{l−1} multiply-adds. The weight
 * gradient is accumulated in row form and copied into the flat gradient at the end. Zero operands
 * (ReLU's inactive units, blank pixels) are skipped: 0·w adds nothing for finite w.
 */
final class JavaMlpEngine implements MlpEngine {
    private final MlpArchitecture arch;
    private final int layers;
    /** act[l][b] (l = 0 … L): a⁽ˡ⁾ of batch row b; act[0] is the input, act[L] the logits, then the probabilities. */
    private final float[][][] act;
    /** delta[l][b]: ∂loss/∂z⁽ˡ⁾ of batch row b. */
    private final float[][][] delta;
    /** weightsT[l][k]: column k of W⁽ˡ⁾ (n_l values). */
    private final float[][][] weightsT;
    /** weights[l][i]: row i of W⁽ˡ⁾ (n_{l−1} values), for l ≥ 2. */
    private final float[][][] weights;
    /** weightGradients[l][i]: row i of ∂W⁽ˡ⁾. */
    private final float[][][] weightGradients;
    private final HeapBridge bridge = new HeapBridge();
    private final float[] thetaScratch;
    private final float[] gradientScratch;

    JavaMlpEngine(MlpArchitecture arch, int capacity) {
        this.arch = arch;
        this.layers = arch.layerCount();
        act = new float[layers + 1][][];
        delta = new float[layers + 1][][];
        weightsT = new float[layers + 1][][];
        weights = new float[layers + 1][][];
        weightGradients = new float[layers + 1][][];
        act[0] = new float[capacity][arch.inputSize()];
        for (int l = 1; l <= layers; l++) {
            int nIn = arch.size(l - 1);
            int nOut = arch.size(l);
            act[l] = new float[capacity][nOut];
            delta[l] = new float[capacity][nOut];
            weightsT[l] = new float[nIn][nOut];
            weights[l] = l > 1 ? new float[nOut][nIn] : null;
            weightGradients[l] = new float[nOut][nIn];
        }
        thetaScratch = new float[arch.parameterCount()];
        gradientScratch = new float[arch.parameterCount()];
    }

    @Override
    public double lossAndGradient(Buffer thetaBuffer, Batch batch, Buffer gradientBuffer) {
        float[] theta = bridge.read(thetaBuffer, thetaScratch);
        int rows = batch.rows();
        forward(theta, batch);
        double loss = softmaxCrossEntropy(batch.labels(), rows);
        float[] gradient = bridge.target(gradientBuffer, gradientScratch);
        backward(theta, rows, gradient);
        bridge.commit(gradient, gradientBuffer);
        return loss;
    }

    @Override
    public void logits(Buffer thetaBuffer, Batch batch, float[] logits) {
        float[] theta = bridge.read(thetaBuffer, thetaScratch);
        forward(theta, batch);
        int classes = arch.classCount();
        for (int b = 0; b < batch.rows(); b++) {
            System.arraycopy(act[layers][b], 0, logits, b * classes, classes);
        }
    }

    private void forward(float[] theta, Batch batch) {
        int rows = batch.rows();
        int n0 = arch.inputSize();
        for (int b = 0; b < rows; b++) {
            System.arraycopy(batch.features(), b * n0, act[0][b], 0, n0);
        }
        for (int l = 1; l <= layers; l++) {
            int nIn = arch.size(l - 1);
            int nOut = arch.size(l);
            int w = arch.weightOffset(l);
            int bias = arch.biasOffset(l);
            float[][] wt = weightsT[l];
            for (int i = 0; i < nOut; i++) {
                int row = w + i * nIn;
                for (int k = 0; k < nIn; k++) {
                    wt[k][i] = theta[row + k];
                }
            }
            Activation g = arch.activation(l);
            for (int b = 0; b < rows; b++) {
                float[] in = act[l - 1][b];
                float[] z = act[l][b];
                System.arraycopy(theta, bias, z, 0, nOut);
                for (int k = 0; k < nIn; k++) {
                    float ak = in[k];
                    if (ak != 0f) {
                        float[] column = wt[k];
                        for (int j = 0; j < nOut; j++) {
                            z[j] += ak * column[j];
                        }
                    }
                }
                g.apply(z, 0, nOut);
            }
        }
    }

    /**
     * Replaces the logits by softmax probabilities, writes δ⁽ᴸ⁾ = (p − onehot(y)) / rows and returns the
     * mean loss. Stable: log Σ e^z is computed as m + log Σ e^(z−m), m = max z.
     */
    private double softmaxCrossEntropy(int[] labels, int rows) {
        int classes = arch.classCount();
        double total = 0;
        double invRows = 1.0 / rows;
        for (int b = 0; b < rows; b++) {
            float[] z = act[layers][b];
            float[] d = delta[layers][b];
            float max = z[0];
            for (int j = 1; j < classes; j++) {
                max = Math.max(max, z[j]);
            }
            double sum = 0;
            for (int j = 0; j < classes; j++) {
                sum += Math.exp(z[j] - max);
            }
            int y = labels[b];
            total += Math.log(sum) - (z[y] - max);
            for (int j = 0; j < classes; j++) {
                double p = Math.exp(z[j] - max) / sum;
                z[j] = (float) p;
                d[j] = (float) ((j == y ? p - 1 : p) * invRows);
            }
        }
        return total * invRows;
    }

    private void backward(float[] theta, int rows, float[] gradient) {
        for (int l = layers; l >= 1; l--) {
            int nIn = arch.size(l - 1);
            int nOut = arch.size(l);
            int w = arch.weightOffset(l);
            int bias = arch.biasOffset(l);
            float[][] d = delta[l];
            float[][] aPrev = act[l - 1];
            // ∂W = δᵀ·a⁽ˡ⁻¹⁾: row i of ∂W accumulates δ[b][i]·a[b] over the batch.
            for (int i = 0; i < nOut; i++) {
                float[] g = weightGradients[l][i];
                Arrays.fill(g, 0f);
                for (int b = 0; b < rows; b++) {
                    float di = d[b][i];
                    if (di != 0f) {
                        float[] a = aPrev[b];
                        for (int k = 0; k < nIn; k++) {
                            g[k] += di * a[k];
                        }
                    }
                }
                System.arraycopy(g, 0, gradient, w + i * nIn, nIn);
            }
            // ∂b = Σ_batch δ.
            Arrays.fill(gradient, bias, bias + nOut, 0f);
            for (int b = 0; b < rows; b++) {
                float[] db = d[b];
                for (int i = 0; i < nOut; i++) {
                    gradient[bias + i] += db[i];
                }
            }
            if (l > 1) {
                // δ⁽ˡ⁻¹⁾ = (δ·W) ⊙ g'(z⁽ˡ⁻¹⁾): row b accumulates δ[b][i]·W[i] over i.
                float[][] wRows = weights[l];
                for (int i = 0; i < nOut; i++) {
                    System.arraycopy(theta, w + i * nIn, wRows[i], 0, nIn);
                }
                Activation g = arch.activation(l - 1);
                for (int b = 0; b < rows; b++) {
                    float[] dPrev = delta[l - 1][b];
                    Arrays.fill(dPrev, 0f);
                    float[] db = d[b];
                    for (int i = 0; i < nOut; i++) {
                        float di = db[i];
                        if (di != 0f) {
                            float[] wi = wRows[i];
                            for (int k = 0; k < nIn; k++) {
                                dPrev[k] += di * wi[k];
                            }
                        }
                    }
                    g.multiplyByDerivative(aPrev[b], dPrev, 0, nIn);
                }
            }
        }
    }
}
