package org.optim4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.rule.Momentum;

/** Under a constant gradient, momentum's velocity is a geometric series that tends to −α·g/(1−ρ). */
class MomentumTerminalSpeedTest {

    @Test
    void velocityIsTheGeometricSeriesAndReachesTerminalSpeed() {
        double alpha = 0.01, rho = 0.9;
        float[] g = {1f, -2f, 0.5f};
        Optimizer opt = Optimizer.create(Momentum.of(alpha, rho), new ScalarBackend(), g.length);
        float[] theta = new float[g.length];
        double series = 0;  // Σ_{i=0..k} ρ^i
        double gNorm = Math.sqrt(1 + 4 + 0.25);
        double speed = 0;
        for (int k = 0; k < 300; k++) {
            float[] before = theta.clone();
            opt.step(theta, g);
            series += Math.pow(rho, k);
            for (int j = 0; j < g.length; j++) {
                double expected = -alpha * series * g[j];
                assertEquals(expected, opt.state().buffer("s").get(j), 1e-6 * Math.abs(expected) + 1e-9,
                        "s_" + k + "[" + j + "]");
            }
            double d = 0;
            for (int j = 0; j < g.length; j++) {
                d += (theta[j] - before[j]) * (double) (theta[j] - before[j]);
            }
            speed = Math.sqrt(d);
        }
        for (int j = 0; j < g.length; j++) {
            double terminal = -alpha * g[j] / (1 - rho);
            assertEquals(terminal, opt.state().buffer("s").get(j), 1e-5 * Math.abs(terminal), "s → −α·g/(1−ρ)");
        }
        // ρ^300 ≈ 2e-14: the speed is the terminal one up to float rounding of θ's increments.
        assertEquals(alpha * gNorm / (1 - rho), speed, 1e-3 * alpha * gNorm / (1 - rho), "terminal speed α‖g‖/(1−ρ)");
    }
}
