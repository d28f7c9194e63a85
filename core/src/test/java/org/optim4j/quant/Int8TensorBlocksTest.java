package org.optim4j.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.optim4j.Optimizer;
import org.optim4j.ParameterSet;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.rule.Adam;
import org.optim4j.spi.FloatArrayBuffer;

/**
 * Int8 state over a layout of tensors whose moments differ by orders of magnitude (a network's weights and
 * biases): blocks never cross a tensor, and a small tensor keeps float32 state (bitsandbytes' per-tensor state and
 * {@code min_8bit_size}).
 */
class Int8TensorBlocksTest {
    static final double ALPHA = 1e-3;

    /** W1 (8192), b1 (128), W2 (8192): the MLP's pattern, b1 in the block that W2 starts in on a flat buffer. */
    static ParameterSet mlpLike() {
        return ParameterSet.builder().add("W1", 64, 128).add("b1", 128).add("W2", 128, 64)
                .build(new ScalarBackend());
    }

    /** Weights' gradients ~ N(0, 1), the bias's ~ N(0, 1e-8): its r is ~1e-9 of its neighbours'. */
    static float[] gradient(ParameterSet p, long seed) {
        Random r = new Random(seed);
        float[] g = new float[p.size()];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) r.nextGaussian();
        }
        ParameterSet.Tensor b = p.tensor("b1");
        for (int i = b.offset(); i < b.offset() + b.length(); i++) {
            g[i] *= 1e-4f;
        }
        return g;
    }

    /**
     * Adam moves a parameter by at most ~α a step; with the bias's r quantized to 0 in a block whose absmax is its
     * neighbour's (and its s not), the step is s/ε: ~10⁴·α. On main's flat blocks this fails at the first step.
     */
    @Test
    void aSmallTensorWithTinyMomentsNextToALargeOneKeepsItsSecondMoment() {
        ParameterSet params = mlpLike();
        Optimizer opt = Optimizer.builder(Adam.of(ALPHA)).backend(new ScalarBackend()).layout(params)
                .stateFormat(StateFormat.INT8).build();
        ParameterSet.Tensor b = params.tensor("b1");
        float[] before = params.toArray("b1");
        for (int t = 0; t < 3; t++) {
            opt.step(params.flat(), FloatArrayBuffer.wrap(gradient(params, 10 + t)));
            float[] r = opt.state().buffer("r").toFloatArray();
            for (int i = b.offset(); i < b.offset() + b.length(); i++) {
                assertTrue(r[i] > 0, "step " + t + ": r of b1[" + (i - b.offset()) + "] is " + r[i]);
            }
        }
        float[] after = params.toArray("b1");
        for (int i = 0; i < after.length; i++) {
            double moved = Math.abs(after[i] - before[i]);
            assertTrue(moved <= 3 * ALPHA * 1.01, "b1[" + i + "] moved by " + moved + " in 3 steps of α = " + ALPHA);
        }
    }
}
