package org.optim4j.network;

import java.util.Arrays;
import org.optim4j.spi.Buffer;

/**
 * The plain-Java engine: every product and element-wise pass is a loop over {@code float[]} whose
 * innermost loop runs over contiguous memory, so C2 vectorises it. At this project's sizes
 * (64-128-64-10, batch 32) it beats calling BLAS through ND4J, whose per-call overhead is larger
 * than the products themselves (see the network README section and {@link Nd4jMlpEngine}).
 *
 * <p>Layout: activations and deltas are row-major {@code rows × n_l}; W⁽ˡ⁾ is row-major
 * {@code n_l × n_{l−1}} in the flat parameter vector. The forward product z = a·Wᵀ + b runs over a
 * transposed copy of W (made each pass: n_l·n_{l−1} moves against rows·n_l·n_{l−1} multiply-adds).
 * Zero inputs (ReLU's inactive units, blank pixels) are skipped: 0·w adds nothing for finite w.
 */
final class JavaMlpEngine implements MlpEngine {
    private final MlpArchitecture arch;
    private final int layers;
    /** act[l] (l = 1 … L): rows × n_l, a⁽ˡ⁾; act[L] holds the logits, then the probabilities. */
    private final float[][] act;
    /** delta[l]: rows × n_l, ∂loss/∂z⁽ˡ⁾. */
    private final float[][] delta;
    /** weightsT[l]: n_{l−1} × n_l, W⁽ˡ⁾ transposed. */
    private final float[][] weightsT;
    private final float[] thetaScratch;
    private final float[] gradientScratch;

    JavaMlpEngine(MlpArchitecture arch, int capacity) {
        this.arch = arch;
        this.layers = arch.layerCount();
        act = new float[layers + 1][];
        delta = new float[layers + 1][];
        weightsT = new float[layers + 1][];
        for (int l = 1; l <= layers; l++) {
            act[l] = new float[capacity * arch.size(l)];
            delta[l] = new float[capacity * arch.size(l)];
            weightsT[l] = new float[arch.size(l) * arch.size(l - 1)];
        }
        thetaScratch = new float[arch.parameterCount()];
        gradientScratch = new float[arch.parameterCount()];
    }

    @Override
    public double lossAndGradient(Buffer thetaBuffer, Batch batch, Buffer gradientBuffer) {
        float[] theta = HeapBridge.read(thetaBuffer, thetaScratch);
        float[] gradient = HeapBridge.target(gradientBuffer, gradientScratch);
        int rows = batch.rows();
        forward(theta, batch.features(), rows);
        double loss = softmaxCrossEntropy(batch.labels(), rows);
        backward(theta, batch.features(), rows, gradient);
        HeapBridge.commit(gradient, gradientBuffer);
        return loss;
    }

    @Override
    public void logits(Buffer thetaBuffer, Batch batch, float[] logits) {
        float[] theta = HeapBridge.read(thetaBuffer, thetaScratch);
        forward(theta, batch.features(), batch.rows());
        System.arraycopy(act[layers], 0, logits, 0, batch.rows() * arch.classCount());
    }

    private void forward(float[] theta, float[] x, int rows) {
        float[] in = x;
        for (int l = 1; l <= layers; l++) {
            int nIn = arch.size(l - 1);
            int nOut = arch.size(l);
            int w = arch.weightOffset(l);
            int bias = arch.biasOffset(l);
            float[] wt = weightsT[l];
            for (int i = 0; i < nOut; i++) {
                for (int k = 0; k < nIn; k++) {
                    wt[k * nOut + i] = theta[w + i * nIn + k];
                }
            }
            float[] out = act[l];
            for (int b = 0; b < rows; b++) {
                int o = b * nOut;
                int a = b * nIn;
                System.arraycopy(theta, bias, out, o, nOut);
                for (int k = 0; k < nIn; k++) {
                    float ak = in[a + k];
                    if (ak != 0f) {
                        int wk = k * nOut;
                        for (int j = 0; j < nOut; j++) {
                            out[o + j] += ak * wt[wk + j];
                        }
                    }
                }
            }
            arch.activation(l).apply(out, 0, rows * nOut);
            in = out;
        }
    }

    /**
     * Replaces the logits by softmax probabilities, writes δ⁽ᴸ⁾ = (p − onehot(y)) / rows and returns the
     * mean loss. Stable: log Σ e^z is computed as m + log Σ e^(z−m), m = max z.
     */
    private double softmaxCrossEntropy(int[] labels, int rows) {
        int classes = arch.classCount();
        float[] z = act[layers];
        float[] d = delta[layers];
        double total = 0;
        double invRows = 1.0 / rows;
        for (int b = 0; b < rows; b++) {
            int o = b * classes;
            float max = z[o];
            for (int j = 1; j < classes; j++) {
                max = Math.max(max, z[o + j]);
            }
            double sum = 0;
            for (int j = 0; j < classes; j++) {
                sum += Math.exp(z[o + j] - max);
            }
            int y = labels[b];
            total += Math.log(sum) - (z[o + y] - max);
            for (int j = 0; j < classes; j++) {
                double p = Math.exp(z[o + j] - max) / sum;
                z[o + j] = (float) p;
                d[o + j] = (float) ((j == y ? p - 1 : p) * invRows);
            }
        }
        return total * invRows;
    }

    private void backward(float[] theta, float[] x, int rows, float[] gradient) {
        for (int l = layers; l >= 1; l--) {
            int nIn = arch.size(l - 1);
            int nOut = arch.size(l);
            int w = arch.weightOffset(l);
            int bias = arch.biasOffset(l);
            float[] d = delta[l];
            float[] aPrev = l == 1 ? x : act[l - 1];
            // ∂W = δᵀ·a⁽ˡ⁻¹⁾: row i of ∂W accumulates δ[b,i]·a[b,:] over the batch.
            Arrays.fill(gradient, w, w + nOut * nIn, 0f);
            for (int i = 0; i < nOut; i++) {
                int g = w + i * nIn;
                for (int b = 0; b < rows; b++) {
                    float di = d[b * nOut + i];
                    if (di != 0f) {
                        int a = b * nIn;
                        for (int k = 0; k < nIn; k++) {
                            gradient[g + k] += di * aPrev[a + k];
                        }
                    }
                }
            }
            // ∂b = Σ_batch δ.
            Arrays.fill(gradient, bias, bias + nOut, 0f);
            for (int b = 0; b < rows; b++) {
                int o = b * nOut;
                for (int i = 0; i < nOut; i++) {
                    gradient[bias + i] += d[o + i];
                }
            }
            if (l > 1) {
                // δ⁽ˡ⁻¹⁾ = (δ·W) ⊙ g'(z⁽ˡ⁻¹⁾): row b accumulates δ[b,i]·W[i,:].
                float[] dPrev = delta[l - 1];
                Arrays.fill(dPrev, 0, rows * nIn, 0f);
                for (int b = 0; b < rows; b++) {
                    int o = b * nOut;
                    int p = b * nIn;
                    for (int i = 0; i < nOut; i++) {
                        float di = d[o + i];
                        if (di != 0f) {
                            int wi = w + i * nIn;
                            for (int k = 0; k < nIn; k++) {
                                dPrev[p + k] += di * theta[wi + k];
                            }
                        }
                    }
                }
                arch.activation(l - 1).multiplyByDerivative(act[l - 1], dPrev, 0, rows * nIn);
            }
        }
    }
}
