package org.optim4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.checkpoint.Checkpoint;
import org.optim4j.quant.Fp16;
import org.optim4j.quant.Fp16Buffer;
import org.optim4j.quant.StateFormat;
import org.optim4j.rule.Adam;
import org.optim4j.spi.FloatArrayBuffer;

/** float16 gradients with a dynamic loss scale, as PyTorch's GradScaler. */
class DynamicLossScaleTest {
    static final int N = 3000;

    static Fp16Buffer scaled(long seed, float scale) {
        Random r = new Random(seed);
        Fp16Buffer h = new Fp16Buffer(N);
        for (int i = 0; i < N; i++) {
            h.array()[i] = (char) Fp16.encode((float) (r.nextGaussian() * 1e-3) * scale);
        }
        return h;
    }

    @Test
    void aStepUnscalesInFloat32AndWritesTheHalfCopy() {
        Optimizer a = Optimizer.builder(Adam.of(1e-2)).backend(new ScalarBackend()).parameterCount(N)
                .stateFormat(StateFormat.BF16).build();
        Optimizer b = Optimizer.builder(Adam.of(1e-2)).backend(new ScalarBackend()).parameterCount(N)
                .stateFormat(StateFormat.BF16).build();
        DynamicLossScale scaler = new DynamicLossScale(1024, 2, 0.5, 3);
        float[] ta = new float[N], tb = new float[N];
        Fp16Buffer copy = new Fp16Buffer(N);
        for (int t = 0; t < 7; t++) {
            float s = scaler.scale();
            Fp16Buffer h = scaled(t, s);
            float[] g = new float[N];
            for (int i = 0; i < N; i++) {
                g[i] = Fp16.decode(h.array()[i]) * (float) (1.0 / s);
            }
            assertTrue(scaler.step(a, FloatArrayBuffer.wrap(ta), h, copy));
            b.step(tb, g);
            assertArrayEquals(tb, ta, "step " + t);
            for (int i = 0; i < N; i++) {
                assertEquals(Fp16.encode(ta[i]), copy.array()[i]);
            }
        }
        assertEquals(1024f * 2 * 2, scaler.scale(), "grown after 3 and 6 good steps");
    }

    @Test
    void anOverflowSkipsTheStepAndBacksOff() {
        Optimizer opt = Optimizer.builder(Adam.of(1e-2)).backend(new ScalarBackend()).parameterCount(N).build();
        DynamicLossScale scaler = new DynamicLossScale();
        float[] theta = new float[N];
        assertTrue(scaler.step(opt, FloatArrayBuffer.wrap(theta), scaled(1, scaler.scale()), null));
        float[] before = theta.clone();
        float[] s = opt.state().buffer("s").toFloatArray();
        Fp16Buffer overflow = scaled(2, scaler.scale());
        overflow.array()[17] = (char) Fp16.encode(1e6f); // beyond 65504: +inf in float16
        assertFalse(scaler.step(opt, FloatArrayBuffer.wrap(theta), overflow, null));
        assertArrayEquals(before, theta, "θ untouched");
        assertArrayEquals(s, opt.state().buffer("s").toFloatArray(), "state untouched");
        assertEquals(1, opt.state().step(), "the optimizer did not count it");
        assertEquals(32768f, scaler.scale());
        assertEquals(1, scaler.skippedSteps());
    }

    @Test
    void theScalerStateGoesThroughACheckpoint(@TempDir Path dir) throws Exception {
        Optimizer opt = Optimizer.builder(Adam.of(1e-2)).backend(new ScalarBackend()).parameterCount(N).build();
        DynamicLossScale scaler = new DynamicLossScale(512, 2, 0.5, 4);
        float[] theta = new float[N];
        for (int t = 0; t < 5; t++) {
            scaler.step(opt, FloatArrayBuffer.wrap(theta), scaled(t, scaler.scale()), null);
        }
        Fp16Buffer bad = scaled(9, scaler.scale());
        bad.array()[0] = 0x7C00;
        scaler.step(opt, FloatArrayBuffer.wrap(theta), bad, null);
        Path file = dir.resolve("amp.ckpt");
        Checkpoint.capture(opt, FloatArrayBuffer.wrap(theta), scaler.state()).write(file);
        Checkpoint cp = Checkpoint.read(file);
        DynamicLossScale resumed = new DynamicLossScale(512, 2, 0.5, 4);
        resumed.restore(cp.metadata());
        assertEquals(scaler.state(), resumed.state());
        assertEquals(512f, resumed.scale(), "grown once (4 good steps), backed off once");
        Map<String, String> broken = new java.util.HashMap<>(scaler.state());
        broken.remove("loss_scale.scale");
        assertThrows(IllegalArgumentException.class, () -> resumed.restore(broken));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DynamicLossScale(0, 2, 0.5, 10));
        assertEquals("initScale must be a positive finite float, got 0.0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DynamicLossScale(1, 2, 1.5, 10));
        assertThrows(IllegalArgumentException.class, () -> new DynamicLossScale(1, 2, 0.5, 0));
    }
}
