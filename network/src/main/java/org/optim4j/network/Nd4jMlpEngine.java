package org.optim4j.network;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.optim4j.spi.Buffer;

/**
 * The BLAS engine: the three matrix products of each layer (a·Wᵀ forward, δᵀ·a and δ·W backward)
 * run as ND4J {@code gemm} calls (OpenBLAS) on preallocated off-heap INDArrays; bias, activation,
 * softmax and the activation derivative run as fused Java loops over preallocated heap copies,
 * because a chain of ND4J element-wise ops costs far more than one pass here (DESIGN.md).
 *
 * <p>The parameters and gradient live in flat INDArrays whose W⁽ˡ⁾ views the products read and write
 * in place; between them and the optimizer's buffers sit bulk copies (memcpy) of the parameter and
 * gradient vectors each step. Work space is made once per distinct batch size. ND4J itself allocates
 * small op descriptors on every {@code gemm} call (about 35 KB per training step, measured).
 */
final class Nd4jMlpEngine implements MlpEngine {
    private final MlpArchitecture arch;
    private final int layers;
    private final int parameterCount;
    private final INDArray flatTheta;
    private final INDArray flatGradient;
    private final FloatBuffer thetaNio;
    private final FloatBuffer gradientNio;
    /** weights[l], weightGradients[l]: n_l × n_{l−1} views of the flat vectors. */
    private final INDArray[] weights;
    private final INDArray[] weightGradients;
    private final HeapBridge bridge = new HeapBridge();
    private final float[] thetaScratch;
    private final float[] gradientScratch;
    private final float[] biasGradient;
    /** Work space per batch size; a training run uses two (full batches and the last one). */
    private final Workspace[] byRows;

    Nd4jMlpEngine(MlpArchitecture arch, int capacity) {
        this.arch = arch;
        this.layers = arch.layerCount();
        this.parameterCount = arch.parameterCount();
        flatTheta = Nd4j.create(DataType.FLOAT, parameterCount);
        flatGradient = Nd4j.create(DataType.FLOAT, parameterCount);
        thetaNio = flatTheta.data().asNioFloat();
        gradientNio = flatGradient.data().asNioFloat();
        weights = new INDArray[layers + 1];
        weightGradients = new INDArray[layers + 1];
        for (int l = 1; l <= layers; l++) {
            int w = arch.weightOffset(l);
            int n = arch.size(l) * arch.size(l - 1);
            weights[l] = flatTheta.get(NDArrayIndex.interval(w, w + n)).reshape('c', arch.size(l), arch.size(l - 1));
            weightGradients[l] = flatGradient.get(NDArrayIndex.interval(w, w + n))
                    .reshape('c', arch.size(l), arch.size(l - 1));
        }
        thetaScratch = new float[parameterCount];
        gradientScratch = new float[parameterCount];
        biasGradient = new float[arch.widest()];
        byRows = new Workspace[capacity + 1];
    }

    /** Off-heap operands of the products and their heap copies for the element-wise passes, for one batch size. */
    private final class Workspace {
        final int rows;
        final INDArray[] a = new INDArray[layers + 1];       // a⁽ˡ⁾ off-heap; a[0] = the input batch
        final INDArray[] z = new INDArray[layers + 1];       // a⁽ˡ⁻¹⁾·Wᵀ
        final INDArray[] d = new INDArray[layers + 1];       // δ⁽ˡ⁾
        final INDArray[] dPrev = new INDArray[layers + 1];   // δ⁽ˡ⁾·W⁽ˡ⁾
        final FloatBuffer[] aNio = new FloatBuffer[layers + 1];
        final FloatBuffer[] zNio = new FloatBuffer[layers + 1];
        final FloatBuffer[] dNio = new FloatBuffer[layers + 1];
        final FloatBuffer[] dPrevNio = new FloatBuffer[layers + 1];
        final float[][] aHeap = new float[layers + 1][];
        final float[][] dHeap = new float[layers + 1][];

        Workspace(int rows) {
            this.rows = rows;
            for (int l = 0; l <= layers; l++) {
                int n = arch.size(l);
                a[l] = Nd4j.create(DataType.FLOAT, rows, n);
                aNio[l] = a[l].data().asNioFloat();
                aHeap[l] = new float[rows * n];
                if (l > 0) {
                    z[l] = Nd4j.create(DataType.FLOAT, rows, n);
                    d[l] = Nd4j.create(DataType.FLOAT, rows, n);
                    dPrev[l] = Nd4j.create(DataType.FLOAT, rows, arch.size(l - 1));
                    zNio[l] = z[l].data().asNioFloat();
                    dNio[l] = d[l].data().asNioFloat();
                    dPrevNio[l] = dPrev[l].data().asNioFloat();
                    dHeap[l] = new float[rows * n];
                }
            }
        }
    }

    private Workspace workspace(int rows) {
        Workspace w = byRows[rows];
        if (w == null) {
            w = new Workspace(rows);
            byRows[rows] = w;
        }
        return w;
    }

    @Override
    public double lossAndGradient(Buffer thetaBuffer, Batch batch, Buffer gradientBuffer) {
        float[] theta = bridge.read(thetaBuffer, thetaScratch);
        thetaNio.put(0, theta, 0, parameterCount);
        Workspace ws = workspace(batch.rows());
        forward(ws, theta, batch);
        double loss = softmaxCrossEntropy(ws, batch.labels());
        backward(ws);
        float[] gradient = bridge.target(gradientBuffer, gradientScratch);
        gradientNio.get(0, gradient, 0, parameterCount);
        bridge.commit(gradient, gradientBuffer);
        return loss;
    }

    @Override
    public void logits(Buffer thetaBuffer, Batch batch, float[] logits) {
        float[] theta = bridge.read(thetaBuffer, thetaScratch);
        thetaNio.put(0, theta, 0, parameterCount);
        Workspace ws = workspace(batch.rows());
        forward(ws, theta, batch);
        System.arraycopy(ws.aHeap[layers], 0, logits, 0, batch.rows() * arch.classCount());
    }

    private void forward(Workspace ws, float[] theta, Batch batch) {
        int rows = ws.rows;
        System.arraycopy(batch.features(), 0, ws.aHeap[0], 0, rows * arch.inputSize());
        ws.aNio[0].put(0, ws.aHeap[0], 0, rows * arch.inputSize());
        for (int l = 1; l <= layers; l++) {
            int n = arch.size(l);
            Nd4j.gemm(ws.a[l - 1], weights[l], ws.z[l], false, true, 1.0, 0.0);
            float[] h = ws.aHeap[l];
            ws.zNio[l].get(0, h, 0, rows * n);
            int bias = arch.biasOffset(l);
            for (int b = 0; b < rows; b++) {
                int o = b * n;
                for (int j = 0; j < n; j++) {
                    h[o + j] += theta[bias + j];
                }
            }
            arch.activation(l).apply(h, 0, rows * n);
            if (l < layers) {
                ws.aNio[l].put(0, h, 0, rows * n);
            }
        }
    }

    /** As {@link JavaMlpEngine}: stable softmax, δ⁽ᴸ⁾ = (p − onehot(y)) / rows, mean loss. */
    private double softmaxCrossEntropy(Workspace ws, int[] labels) {
        int rows = ws.rows;
        int classes = arch.classCount();
        float[] z = ws.aHeap[layers];
        float[] d = ws.dHeap[layers];
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
                d[o + j] = (float) ((j == y ? p - 1 : p) * invRows);
            }
        }
        ws.dNio[layers].put(0, d, 0, rows * classes);
        return total * invRows;
    }

    private void backward(Workspace ws) {
        int rows = ws.rows;
        for (int l = layers; l >= 1; l--) {
            int n = arch.size(l);
            Nd4j.gemm(ws.d[l], ws.a[l - 1], weightGradients[l], true, false, 1.0, 0.0);
            float[] d = ws.dHeap[l];
            float[] db = biasGradient;
            Arrays.fill(db, 0, n, 0f);
            for (int b = 0; b < rows; b++) {
                int o = b * n;
                for (int i = 0; i < n; i++) {
                    db[i] += d[o + i];
                }
            }
            gradientNio.put(arch.biasOffset(l), db, 0, n);
            if (l > 1) {
                int nIn = arch.size(l - 1);
                Nd4j.gemm(ws.d[l], weights[l], ws.dPrev[l], false, false, 1.0, 0.0);
                float[] dPrev = ws.dHeap[l - 1];
                ws.dPrevNio[l].get(0, dPrev, 0, rows * nIn);
                arch.activation(l - 1).multiplyByDerivative(ws.aHeap[l - 1], dPrev, 0, rows * nIn);
                ws.dNio[l - 1].put(0, dPrev, 0, rows * nIn);
            }
        }
    }

}
