package org.optim4j.network;

/**
 * The spec's network in float64, one example at a time, written for clarity: the reference that
 * finite differences check, and that the float32 engines are compared with. Same flat layout as
 * {@link MlpArchitecture}. Its activations are its own formulas, not {@link Activation}'s.
 */
final class ReferenceMlp {
    private final MlpArchitecture arch;

    ReferenceMlp(MlpArchitecture arch) {
        this.arch = arch;
    }

    static double g(Activation a, double z) {
        return switch (a) {
            case IDENTITY -> z;
            case RELU -> z > 0 ? z : 0;
            case TANH -> Math.tanh(z);
            case SIGMOID -> 1 / (1 + Math.exp(-z));
        };
    }

    static double gPrime(Activation a, double z) {
        return switch (a) {
            case IDENTITY -> 1;
            case RELU -> z > 0 ? 1 : 0;
            case TANH -> 1 - Math.tanh(z) * Math.tanh(z);
            case SIGMOID -> g(a, z) * (1 - g(a, z));
        };
    }

    /** z⁽ˡ⁾ and a⁽ˡ⁾ of every layer for one example; z[L] are the logits. */
    double[][][] forward(double[] theta, double[] x) {
        int layers = arch.layerCount();
        double[][] z = new double[layers + 1][];
        double[][] a = new double[layers + 1][];
        a[0] = x;
        for (int l = 1; l <= layers; l++) {
            int nIn = arch.size(l - 1);
            int nOut = arch.size(l);
            z[l] = new double[nOut];
            a[l] = new double[nOut];
            for (int i = 0; i < nOut; i++) {
                double s = theta[arch.biasOffset(l) + i];
                for (int k = 0; k < nIn; k++) {
                    s += theta[arch.weightOffset(l) + i * nIn + k] * a[l - 1][k];
                }
                z[l][i] = s;
                a[l][i] = g(arch.activation(l), s);
            }
        }
        return new double[][][] {z, a};
    }

    /** −log softmax(logits)_y, computed stably. */
    static double crossEntropy(double[] logits, int y) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : logits) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum) - logits[y];
    }

    /** Mean loss over the rows of x. */
    double loss(double[] theta, double[][] x, int[] y) {
        double total = 0;
        for (int r = 0; r < x.length; r++) {
            total += crossEntropy(forward(theta, x[r])[0][arch.layerCount()], y[r]);
        }
        return total / x.length;
    }

    /** ∂(mean loss)/∂θ by back-propagation. */
    double[] gradient(double[] theta, double[][] x, int[] y) {
        int layers = arch.layerCount();
        double[] grad = new double[theta.length];
        for (int r = 0; r < x.length; r++) {
            double[][][] za = forward(theta, x[r]);
            double[][] z = za[0];
            double[][] a = za[1];
            double[] logits = z[layers];
            double max = Double.NEGATIVE_INFINITY;
            for (double v : logits) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (double v : logits) {
                sum += Math.exp(v - max);
            }
            double[] delta = new double[logits.length];
            for (int j = 0; j < logits.length; j++) {
                delta[j] = (Math.exp(logits[j] - max) / sum - (j == y[r] ? 1 : 0)) / x.length;
            }
            for (int l = layers; l >= 1; l--) {
                int nIn = arch.size(l - 1);
                int nOut = arch.size(l);
                for (int i = 0; i < nOut; i++) {
                    grad[arch.biasOffset(l) + i] += delta[i];
                    for (int k = 0; k < nIn; k++) {
                        grad[arch.weightOffset(l) + i * nIn + k] += delta[i] * a[l - 1][k];
                    }
                }
                if (l > 1) {
                    double[] prev = new double[nIn];
                    for (int k = 0; k < nIn; k++) {
                        double s = 0;
                        for (int i = 0; i < nOut; i++) {
                            s += theta[arch.weightOffset(l) + i * nIn + k] * delta[i];
                        }
                        prev[k] = s * gPrime(arch.activation(l - 1), z[l - 1][k]);
                    }
                    delta = prev;
                }
            }
        }
        return grad;
    }
}
