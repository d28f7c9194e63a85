package org.optim4j.network.train;

import java.util.List;
import org.optim4j.network.Batch;
import org.optim4j.network.Mlp;
import org.optim4j.network.data.Dataset;
import org.optim4j.spi.FloatArrayBuffer;

/**
 * The two pieces of arithmetic a data-parallel step splits between workers, written once so that a distributed
 * run and its single-process reference execute the same float operations in the same order.
 *
 * <p>Float addition is not associative, so the gradient of a global batch depends on how its sum is grouped. Here
 * it is always: each worker's mean gradient over its own piece ({@link #partial}), then the mean of the W partial
 * gradients taken left to right by worker index ({@link #combineInto}): (((g₀ + g₁) + g₂) + …) / W. Every element
 * is computed independently, so combining a slice [from, to) of the partials gives the bits of the whole
 * combination's slice: a shard of a sharded optimizer state can do its own part of the sum.
 */
public final class PartialGradients {
    private PartialGradients() {
    }

    /**
     * Worker {@code p}'s mean loss over the rows {@code rows} (indices into {@code data}) at {@code theta}, its
     * gradient written to {@code gradient}.
     */
    public static double partial(Mlp mlp, FloatArrayBuffer theta, Dataset data, int[] rows, Batch batch,
                                 FloatArrayBuffer gradient) {
        data.fill(batch, rows, 0, rows.length);
        return mlp.lossAndGradient(theta, batch, gradient);
    }

    /**
     * out[i − from] = (((parts₀[i] + parts₁[i]) + …) + parts_{W−1}[i]) / W for i in [from, to), the parts taken
     * in list order (worker order). Each part is indexed from {@code partOffset}: part[i − partOffset].
     * With one part the result is that part, bit for bit.
     */
    public static void combineInto(List<float[]> parts, int partOffset, int from, int to, float[] out) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("parts must not be empty");
        }
        int w = parts.size();
        float[] first = parts.get(0);
        for (int i = from; i < to; i++) {
            out[i - from] = first[i - partOffset];
        }
        for (int p = 1; p < w; p++) {
            float[] part = parts.get(p);
            for (int i = from; i < to; i++) {
                out[i - from] += part[i - partOffset];
            }
        }
        if (w > 1) {
            float n = w;
            for (int i = 0; i < to - from; i++) {
                out[i] /= n;
            }
        }
    }

    /** The mean of the W partial losses (their pieces have equal size), summed in worker order. */
    public static double combineLoss(double[] losses) {
        double sum = 0;
        for (double l : losses) {
            sum += l;
        }
        return sum / losses.length;
    }
}
