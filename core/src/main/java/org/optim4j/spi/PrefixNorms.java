package org.optim4j.spi;

import java.util.List;
import org.optim4j.transform.StateAccess;
import org.optim4j.transform.Transform;

/**
 * The first pass of a chain with a {@link Transform.Reduction#PER_TENSOR_NORMS} transform: runs the transforms
 * before it (the prefix) element by element over [from, to), exactly as {@link ComposedKernel} would, but
 * <em>writes nothing</em>: a state value a transform sets is kept for the rest of that element only, rounded to
 * its buffer's precision as a store would, so the prefix's output u is bit for bit what the second pass, which
 * does store, computes. Returns Σu² and Σθ² in double precision.
 *
 * <p>Buffers as a step kernel's: θ, g, then the chain's state buffers (the prefix's come first). Works over any
 * buffers through element reads (exact; slow on non-heap storage). Not thread-safe: one instance per optimizer
 * group.
 */
public final class PrefixNorms {
    private final Transform[] prefix;
    private final int[] scalarAt;
    private final int[] stateAt;
    private final double[] overlay;
    private final long[] stamp;
    private final boolean[] single;
    private Buffer[] buffers;
    private long element;
    private int base;
    private int index;

    /** The prefix {@code chain[0, end)} of {@code chain}, whose scalars are laid out as the whole chain's. */
    public PrefixNorms(List<Transform> chain, int end) {
        this.prefix = chain.subList(0, end).toArray(new Transform[0]);
        this.scalarAt = new int[end];
        this.stateAt = new int[end];
        int c = 0, s = 0;
        for (int t = 0; t < end; t++) {
            scalarAt[t] = c;
            stateAt[t] = s;
            c += prefix[t].scalarNames().size();
            s += prefix[t].stateNames().size();
        }
        this.overlay = new double[s];
        this.stamp = new long[s];
        this.single = new boolean[s];
        java.util.Arrays.fill(stamp, -1);
    }

    /**
     * Adds Σu² (u the prefix's output, from g·gradientScale) and Σθ² over [from, to) to {@code sums[0]} and
     * {@code sums[1]}.
     */
    public void accumulate(StepScalars k, Buffer[] b, int from, int to, double[] sums) {
        double[] c = k.values();
        double scale = k.gradientScale();
        for (int j = 0; j < single.length; j++) {
            single[j] = b[2 + j].precision() == Buffer.Precision.FLOAT32;
        }
        this.buffers = b;
        StateAccess access = new StateAccess() {
            @Override
            public double get(int slot) {
                int j = base + slot;
                return stamp[j] == element ? overlay[j] : buffers[2 + j].get(index);
            }

            @Override
            public double set(int slot, double value) {
                int j = base + slot;
                double stored = single[j] ? (float) value : value;
                overlay[j] = stored;
                stamp[j] = element;
                return stored;
            }
        };
        double uu = 0, tt = 0;
        try {
            for (int i = from; i < to; i++) {
                index = i;
                element++;
                double th = b[0].get(i);
                double u = b[1].get(i) * scale;
                for (int t = 0; t < prefix.length; t++) {
                    base = stateAt[t];
                    u = prefix[t].reference(u, th, access, c, scalarAt[t]);
                }
                uu += u * u;
                tt += th * th;
            }
        } finally {
            this.buffers = null;
        }
        sums[0] += uu;
        sums[1] += tt;
    }
}
