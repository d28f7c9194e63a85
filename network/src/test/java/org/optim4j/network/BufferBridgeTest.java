package org.optim4j.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.optim4j.backends.nd4j.Nd4jBackend;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.FloatArrayBuffer;

/** Parameters and gradients may live in any backend's buffers: the network computes the same bits. */
class BufferBridgeTest {

    @ParameterizedTest
    @EnumSource(Engine.class)
    void nd4jBuffersGiveTheSameLossAndGradientAsHeapArrays(Engine engine) {
        MlpArchitecture arch = MlpArchitecture.of(Activation.RELU, 10, 12, 3);
        Mlp mlp = Mlp.create(arch, engine, 4);
        Random random = new Random(21);
        float[][] x = new float[4][10];
        for (float[] row : x) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) random.nextGaussian();
            }
        }
        Batch batch = Batch.of(x, new int[] {0, 1, 2, 1});
        FloatArrayBuffer heapTheta = FloatArrayBuffer.zeros(arch.parameterCount());
        FloatArrayBuffer heapGradient = FloatArrayBuffer.zeros(arch.parameterCount());
        mlp.initialise(heapTheta, 4);
        double heapLoss = mlp.lossAndGradient(heapTheta, batch, heapGradient);

        Backend nd4j = new Nd4jBackend();
        Buffer theta = nd4j.allocate(arch.parameterCount());
        Buffer gradient = nd4j.allocate(arch.parameterCount());
        mlp.initialise(theta, 4);
        for (int repeat = 0; repeat < 2; repeat++) {     // the second call goes through the cached views
            double loss = mlp.lossAndGradient(theta, batch, gradient);
            assertEquals(heapLoss, loss);
            assertArrayEquals(heapGradient.array(), gradient.toFloatArray());
        }
        float[] heapLogits = new float[12];
        float[] logits = new float[12];
        mlp.logits(heapTheta, batch, heapLogits);
        mlp.logits(theta, batch, logits);
        assertArrayEquals(heapLogits, logits);
    }
}
