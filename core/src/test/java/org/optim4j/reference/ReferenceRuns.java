package org.optim4j.reference;

import java.util.List;
import org.optim4j.Optimizer;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;

/** What the reference tests share: reading a fixture line's numbers, and stepping an optimizer along a fixture. */
final class ReferenceRuns {
    private ReferenceRuns() {
    }

    /** The numbers of a fixture line's words {@code w[from…]}. */
    static double[] values(String[] w, int from) {
        double[] v = new double[w.length - from];
        for (int i = 0; i < v.length; i++) {
            v[i] = Double.parseDouble(w[from + i]);
        }
        return v;
    }

    /**
     * Steps {@code opt} from θ₀ through the gradients and returns the worst error against {@code expected} after
     * each step, relative to max(|expected|, floor) (floor 0: relative; 1: of max(|θ|, 1), for float32).
     */
    static double worst(Optimizer opt, Backend backend, double[] theta0, List<double[]> grads, List<double[]> expected,
                        double floor) {
        int n = theta0.length;
        Buffer theta = backend.allocate(n);
        Buffer grad = backend.allocate(n);
        for (int i = 0; i < n; i++) {
            theta.set(i, theta0[i]);
        }
        double worst = 0;
        for (int t = 0; t < grads.size(); t++) {
            for (int i = 0; i < n; i++) {
                grad.set(i, grads.get(t)[i]);
            }
            opt.step(theta, grad);
            for (int i = 0; i < n; i++) {
                double want = expected.get(t)[i];
                worst = Math.max(worst, Math.abs(theta.get(i) - want) / Math.max(Math.abs(want), floor));
            }
        }
        return worst;
    }
}
