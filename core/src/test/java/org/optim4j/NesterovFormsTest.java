package org.optim4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.problems.Quadratic;
import org.optim4j.rule.Nesterov;
import org.optim4j.schedule.Schedule;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.FloatArrayBuffer;

/** The spec form (gradient at θ + ρ·s) and the reparametrised form (θ̃ = θ + ρ·s) follow one trajectory. */
class NesterovFormsTest {

    @Test
    void bothFormsFollowTheSameTrajectoryOnAQuadratic() {
        Quadratic q = Quadratic.standard();
        int n = q.dimension();
        // A decaying α: the equivalence must hold whatever α_t does.
        Nesterov rule = new Nesterov(Schedule.linearDecay(0.02, 0.005, 50), 0.9);
        ScalarBackend backend = new ScalarBackend();
        Optimizer spec = Optimizer.create(rule, backend, n);
        Optimizer reparam = Optimizer.create(rule, backend, n);
        float[] start = {3f, -1f, 0.5f, 2f, -2f, 1f, 0f, 4f, -3f, 1.5f};
        FloatArrayBuffer theta = FloatArrayBuffer.wrap(start.clone());
        FloatArrayBuffer thetaTilde = FloatArrayBuffer.wrap(start.clone());  // s₀ = 0, so θ̃₀ = θ₀
        Buffer g = backend.allocate(n);
        for (int k = 0; k < 100; k++) {
            spec.step(theta, q);
            q.gradient(thetaTilde, g);
            reparam.step(thetaTilde, g);
            Buffer sSpec = spec.state().buffer("s");
            Buffer sRe = reparam.state().buffer("s");
            for (int j = 0; j < n; j++) {
                assertEquals(sSpec.get(j), sRe.get(j), 1e-5, "s at step " + k + ", element " + j);
                double expectedTilde = theta.get(j) + 0.9 * sSpec.get(j);
                assertEquals(expectedTilde, thetaTilde.get(j), 1e-5, "θ̃ = θ + ρ·s at step " + k + ", element " + j);
            }
        }
        // Both converge to the minimum of the quadratic.
        assertEquals(0, q.value(theta), 1e-3);
    }
}
