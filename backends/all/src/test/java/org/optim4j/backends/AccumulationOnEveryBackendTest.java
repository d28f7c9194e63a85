package org.optim4j.backends;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.optim4j.Optimizer;
import org.optim4j.backend.Backends;
import org.optim4j.rule.Adam;
import org.optim4j.rule.Transforms;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import org.optim4j.transform.ClipByGlobalNorm;

/**
 * Gradient accumulation on every available backend, through its fused kernel where it has one for the rest of the
 * chain: k = 2 micro-batches step bit for bit as the same rule on the mean gradient fl((g₁ + g₂)/2), one update per
 * two calls; with a leading clip, the mean is clipped.
 */
class AccumulationOnEveryBackendTest {

    @Test
    void twoMicroBatchesEqualOneStepOnTheirMeanOnEveryBackend() {
        int n = 1000;
        for (boolean clip : new boolean[] {false, true}) {
            UpdateRule inner = clip ? Transforms.prepend(Adam.of(0.01), new ClipByGlobalNorm(Schedule.fixed(3)))
                    : Adam.of(0.01);
            for (Backend b : Backends.available()) {
                Optimizer acc = Optimizer.create(Transforms.accumulate(inner, 2), b, n);
                Optimizer plain = Optimizer.create(inner, b, n);
                Buffer theta = b.allocate(n), theta2 = b.allocate(n), g = b.allocate(n), mean = b.allocate(n);
                Random r = new Random(5);
                for (int i = 0; i < n; i++) {
                    float v = (float) r.nextGaussian();
                    theta.set(i, v);
                    theta2.set(i, v);
                }
                for (int update = 0; update < 6; update++) {
                    float[] g1 = new float[n], g2 = new float[n];
                    for (int i = 0; i < n; i++) {
                        g1[i] = (float) r.nextGaussian();
                        g2[i] = (float) r.nextGaussian();
                        mean.set(i, ((double) g1[i] + g2[i]) / 2); // rounded to the buffer's precision
                    }
                    g.copyFrom(g1);
                    acc.step(theta, g);
                    g.copyFrom(g2);
                    acc.step(theta, g);
                    plain.step(theta2, mean);
                    assertArrayEquals(theta2.toFloatArray(), theta.toFloatArray(),
                            b.name() + (clip ? " with clip" : "") + ", update " + update + " (" + acc.kernelsInUse() + ")");
                }
                assertFalse(acc.kernelsInUse().isEmpty());
                System.out.println(b.name() + ": " + acc.kernelsInUse());
            }
        }
    }
}
