package org.optim4j.reliability;

import org.optim4j.GradientFunction;
import org.optim4j.Optimizer;
import org.optim4j.rule.Nesterov;
import org.optim4j.spi.Buffer;

/**
 * Deterministic training trajectories that any process can replay bit for bit: starting parameters
 * and gradients come from integer hashing and plain arithmetic (no transcendental functions, no
 * shared random state), and the gradient depends on the parameters, so a wrong restored state shows.
 */
final class Trajectories {
    private Trajectories() {
    }

    /** A value in [−1, 1) from (a, b), the same in every JVM. */
    static double hash(long a, long b) {
        long h = a * 0x9E3779B97F4A7C15L + b * 0xC2B2AE3D27D4EB4FL + 0x165667B19E3779F9L;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 32;
        return ((h >>> 11) * 0x1.0p-53) * 2 - 1;
    }

    static void initialParameters(Buffer theta) {
        for (int i = 0; i < theta.length(); i++) {
            theta.set(i, hash(i, -1) * 2);
        }
    }

    /** The gradient of a diagonal quadratic at {@code point}, plus step-dependent noise. */
    static GradientFunction gradientAtStep(long step) {
        return (point, g) -> {
            for (int i = 0; i < point.length(); i++) {
                double curvature = 1 + (i % 7);
                g.set(i, curvature * (point.get(i) - 0.25) + 0.1 * hash(i, step));
            }
        };
    }

    /**
     * {@code steps} more steps. For Nesterov the spec form (gradient function) is used when
     * {@code closureForm}, else the reparametrised form; other rules take the gradient at the parameters.
     */
    static void run(Optimizer opt, Buffer theta, Buffer gradient, int steps, boolean closureForm) {
        for (int k = 0; k < steps; k++) {
            long t = opt.state().step();
            GradientFunction f = gradientAtStep(t);
            if (closureForm && opt.rule() instanceof Nesterov) {
                opt.step(theta, f);
            } else {
                f.gradient(theta, gradient);
                opt.step(theta, gradient);
            }
        }
    }
}
