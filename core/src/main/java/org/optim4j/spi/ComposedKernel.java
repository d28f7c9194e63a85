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
        Lane theta = Lane.of(b[0]);
        Lane second = Lane.of(b[1]);
        Lane[] state = new Lane[b.length - 2];
        for (int j = 0; j < state.length; j++) {
            state[j] = Lane.of(b[2 + j]);
        }
        Cursor cursor = new Cursor(state);
        double[] c = k.values();
        if (lookaheadIndex >= 0) {
            Transform.Lookahead la = chain[lookaheadIndex].lookahead().orElseThrow();
            cursor.base = stateAt[lookaheadIndex];
            int at = scalarAt[lookaheadIndex];
            for (int i = from; i < to; i++) {
                cursor.i = i;
                second.set(i, la.point(theta.get(i), cursor, c, at));
            }
            return;
        }
        double scale = k.gradientScale();
        for (int i = from; i < to; i++) {
            cursor.i = i;
            double th = theta.get(i);
            double u = second.get(i) * scale;
            for (int t = 0; t < chain.length; t++) {
                cursor.base = stateAt[t];
                u = chain[t].reference(u, th, cursor, c, scalarAt[t]);
            }
            theta.set(i, th + u);
        }
    }

    /** The state of the current element, as the transforms see it. */
    private static final class Cursor implements StateAccess {
        private final Lane[] lanes;
        int base;
        int i;

        Cursor(Lane[] lanes) {
            this.lanes = lanes;
        }

        @Override
        public double get(int k) {
            return lanes[base + k].get(i);
        }

        @Override
        public double set(int k, double value) {
            return lanes[base + k].set(i, value);
        }
    }

    /** Element access that rounds to the storage's precision on store and returns the stored value. */
    private abstract static class Lane {
        abstract double get(int i);

        abstract double set(int i, double v);

        static Lane of(Buffer b) {
            if (b instanceof FloatArrayBuffer f) {
                float[] a = f.array();
                return new Lane() {
                    @Override
                    double get(int i) {
                        return a[i];
                    }

                    @Override
                    double set(int i, double v) {
                        float x = (float) v;
                        a[i] = x;
                        return x;
                    }
                };
            }
            boolean single = b.precision() == Buffer.Precision.FLOAT32;
            return new Lane() {
                @Override
                double get(int i) {
                    return b.get(i);
                }

                @Override
                double set(int i, double v) {
                    double x = single ? (float) v : v;
                    b.set(i, x);
                    return x;
                }
            };
        }
    }
}
