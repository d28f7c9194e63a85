package org.optim4j.spi;

import java.util.List;
import org.optim4j.transform.StateAccess;
import org.optim4j.transform.Transform;

/**
 * A chain run by composing its transforms element by element, in double precision, each state value stored
 * in its buffer's precision as soon as it is computed: the exact reference ({@code scalar} runs nothing
 * else) and every backend's fallback for a chain it has no fused kernel for. Works over any buffers:
 * {@code float[]} directly, other storage through element reads and writes (slow, but correct).
 *
 * <p>As a step kernel: buffers θ, g, state…; u starts as g·gradientScale, passes through every transform,
 * and θ ← θ + u. As a look-ahead kernel ({@link #lookahead(List)}): buffers θ, p, state…; p ← the look-ahead
 * transform's point. Any reduction a transform needs must already be folded into the scalars.
 */
public final class ComposedKernel implements Kernel {
    private final Transform[] chain;
    private final int[] scalarAt;
    private final int[] stateAt;
    private final int lookaheadIndex;
    private final Transform.Lookahead lookahead;
    private final ThreadLocal<Cursor> cursors;

    private ComposedKernel(List<Transform> chain, boolean lookahead) {
        this.chain = chain.toArray(new Transform[0]);
        this.scalarAt = new int[this.chain.length];
        this.stateAt = new int[this.chain.length];
        int c = 0, s = 0, la = -1;
        for (int t = 0; t < this.chain.length; t++) {
            scalarAt[t] = c;
            stateAt[t] = s;
            c += this.chain[t].scalarNames().size();
            s += this.chain[t].stateNames().size();
            if (this.chain[t].lookahead().isPresent()) {
                la = t;
            }
        }
        if (lookahead && la < 0) {
            throw new IllegalArgumentException("chain " + KernelKey.of(chain) + " has no look-ahead transform");
        }
        this.lookaheadIndex = lookahead ? la : -1;
        this.lookahead = lookahead ? this.chain[la].lookahead().orElseThrow() : null;
        int buffers = 2 + s;
        this.cursors = ThreadLocal.withInitial(() -> new Cursor(buffers));
    }

    /** The step kernel of {@code chain}. */
    public static ComposedKernel of(List<Transform> chain) {
        return new ComposedKernel(chain, false);
    }

    /** The look-ahead kernel of {@code chain} (which must have a transform with a look-ahead). */
    public static ComposedKernel lookahead(List<Transform> chain) {
        return new ComposedKernel(chain, true);
    }

    @Override
    public void apply(StepScalars k, Buffer[] b, int from, int to) {
        Cursor cursor = cursors.get();
        cursor.bind(b);
        try {
            double[] c = k.values();
            if (lookahead != null) {
                cursor.base = stateAt[lookaheadIndex];
                int at = scalarAt[lookaheadIndex];
                for (int i = from; i < to; i++) {
                    cursor.i = i;
                    cursor.store(1, i, lookahead.point(cursor.load(0, i), cursor, c, at));
                }
                return;
            }
            double scale = k.gradientScale();
            for (int i = from; i < to; i++) {
                cursor.i = i;
                double th = cursor.load(0, i);
                double u = cursor.load(1, i) * scale;
                for (int t = 0; t < chain.length; t++) {
                    cursor.base = stateAt[t];
                    u = chain[t].reference(u, th, cursor, c, scalarAt[t]);
                }
                cursor.store(0, i, th + u);
            }
        } finally {
            cursor.unbind();
        }
    }

    /**
     * The buffers of the current call and the current element, as the transforms see their state. One per
     * thread and kernel, re-pointed at each call's buffers, so that a call allocates nothing.
     */
    private static final class Cursor implements StateAccess {
        private final float[][] floats;
        private final double[][] doubles;
        private final Buffer[] others;
        private final boolean[] single;
        int base;
        int i;

        Cursor(int buffers) {
            floats = new float[buffers][];
            doubles = new double[buffers][];
            others = new Buffer[buffers];
            single = new boolean[buffers];
        }

        void bind(Buffer[] b) {
            for (int j = 0; j < b.length; j++) {
                Buffer x = b[j];
                if (x instanceof FloatArrayBuffer f) {
                    floats[j] = f.array();
                } else if (x instanceof DoubleArrayBuffer d) {
                    doubles[j] = d.array();
                } else {
                    others[j] = x;
                    single[j] = x.precision() == Buffer.Precision.FLOAT32;
                }
            }
        }

        void unbind() {
            java.util.Arrays.fill(floats, null);
            java.util.Arrays.fill(doubles, null);
            java.util.Arrays.fill(others, null);
        }

        /** Element {@code i} of buffer {@code j}. */
        double load(int j, int i) {
            float[] f = floats[j];
            if (f != null) {
                return f[i];
            }
            double[] d = doubles[j];
            return d != null ? d[i] : others[j].get(i);
        }

        /** Stores {@code v} rounded to buffer {@code j}'s precision; returns the stored value. */
        double store(int j, int i, double v) {
            float[] f = floats[j];
            if (f != null) {
                float x = (float) v;
                f[i] = x;
                return x;
            }
            double[] d = doubles[j];
            if (d != null) {
                d[i] = v;
                return v;
            }
            double x = single[j] ? (float) v : v;
            others[j].set(i, x);
            return x;
        }

        @Override
        public double get(int k) {
            return load(2 + base + k, i);
        }

        @Override
        public double set(int k, double value) {
            return store(2 + base + k, i, value);
        }
    }
}
