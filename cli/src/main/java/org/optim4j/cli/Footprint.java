package org.optim4j.cli;

import java.util.List;
import org.optim4j.rule.UpdateRule;

/**
 * What training a network will hold in memory, counted from the layer sizes before anything is
 * allocated, so that a network too large for this JVM is refused with a sentence instead of an
 * {@link OutOfMemoryError} (or an index overflow) part-way through.
 */
final class Footprint {
    /** The most parameters one flat float buffer can index (a Java array's limit). */
    static final long MAX_PARAMETERS = Integer.MAX_VALUE - 8;
    /**
     * Float copies of the parameter vector one run holds besides the optimizer state: θ and the gradient
     * (trainer), the engine's row-form weights (twice), weight gradient, θ and gradient scratch, and the
     * initialiser's values.
     */
    private static final int COPIES_PER_RUN = 8;

    private Footprint() {
    }

    /** Parameters of the network with layer sizes {@code sizes} (n_0 … n_L), without overflow. */
    static long parameters(long[] sizes) {
        long count = 0;
        for (int l = 1; l < sizes.length; l++) {
            count += sizes[l] * sizes[l - 1] + sizes[l];
            if (count > Long.MAX_VALUE / 4) {
                return Long.MAX_VALUE / 4;
            }
        }
        return count;
    }

    /**
     * Bytes held at once by the runs of {@code rules}, each kept to the end (as {@code --compare} keeps
     * them for its plots): per run the parameter copies, the optimizer state and scratch, and the
     * activations of a batch.
     */
    static long bytes(long[] sizes, int batchSize, List<UpdateRule> rules, boolean nesterovSpecForm) {
        long parameters = parameters(sizes);
        long widths = 0;
        for (long n : sizes) {
            widths += n;
        }
        long floats = 0;
        for (UpdateRule rule : rules) {
            int copies = COPIES_PER_RUN + rule.stateNames().size();
            if (nesterovSpecForm && rule.id().equals("nesterov")) {
                copies += 2; // the look-ahead point and the gradient taken there
            }
            floats += copies * parameters + 3L * batchSize * widths;
        }
        return 4 * floats;
    }
}
