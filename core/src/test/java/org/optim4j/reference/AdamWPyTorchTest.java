package org.optim4j.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.optim4j.DoubleTestBackend;
import org.optim4j.Optimizer;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.rule.AdamW;
import org.optim4j.schedule.Schedule;
import org.optim4j.spi.Backend;

/**
 * AdamW against PyTorch 1.13's {@code torch.optim.AdamW} on fixed gradient sequences (fixtures/pytorch/adamw.txt,
 * made once by generate_adamw.py beside it): float64 to 1e-12 relative at every step, float32 within 2e-6
 * relative to max(|θ|, 1) (a few float32 roundings per step, accumulated over 25 steps).
 */
class AdamWPyTorchTest {

    record Fixture(String name, double lr, double beta1, double beta2, double eps, double wd, double[] theta0,
                   List<double[]> grads, List<double[]> float64, List<double[]> float32) {
    }

    static List<Fixture> load() throws IOException {
        List<Fixture> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
                AdamWPyTorchTest.class.getResourceAsStream("/fixtures/pytorch/adamw.txt")), StandardCharsets.UTF_8))) {
            String line;
            String[] head = null;
            double[] theta0 = null;
            List<double[]> g = null, f64 = null, f32 = null;
            while ((line = r.readLine()) != null) {
                String[] w = line.trim().split(" ");
                switch (w[0]) {
                    case "config" -> {
                        if (head != null) {
                            out.add(fixture(head, theta0, g, f64, f32));
                        }
                        head = w;
                        g = new ArrayList<>();
                        f64 = new ArrayList<>();
                        f32 = new ArrayList<>();
                    }
                    case "theta0" -> theta0 = ReferenceRuns.values(w, 1);
                    case "grad" -> g.add(ReferenceRuns.values(w, 2));
                    case "float64" -> f64.add(ReferenceRuns.values(w, 2));
                    case "float32" -> f32.add(ReferenceRuns.values(w, 2));
                    default -> throw new IllegalStateException("bad fixture line: " + line);
                }
            }
            out.add(fixture(head, theta0, g, f64, f32));
        }
        return out;
    }

    private static Fixture fixture(String[] h, double[] theta0, List<double[]> g, List<double[]> f64, List<double[]> f32) {
        return new Fixture(h[1], Double.parseDouble(h[3]), Double.parseDouble(h[5]), Double.parseDouble(h[7]),
                Double.parseDouble(h[9]), Double.parseDouble(h[11]), theta0, g, f64, f32);
    }

    /** Steps an AdamW optimizer of the fixture on {@code backend} and returns the worst relative error seen. */
    static double worst(Fixture f, Backend backend, List<double[]> expected, double floor) {
        AdamW rule = new AdamW(Schedule.constant(f.lr()), f.beta1(), f.beta2(), f.eps(), f.wd());
        Optimizer opt = Optimizer.create(rule, backend, f.theta0().length);
        return ReferenceRuns.worst(opt, backend, f.theta0(), f.grads(), expected, floor);
    }

    @Test
    void float64MatchesTorchAdamWTo1e12() throws IOException {
        List<Fixture> fixtures = load();
        assertEquals(4, fixtures.size());
        for (Fixture f : fixtures) {
            double worst = worst(f, new DoubleTestBackend(), f.float64(), 0);
            assertTrue(worst <= 1e-12, f.name() + ": worst relative error " + worst);
        }
    }

    @Test
    void float32MatchesTorchAdamWWithinRounding() throws IOException {
        for (Fixture f : load()) {
            double worst = worst(f, new ScalarBackend(), f.float32(), 1);
            assertTrue(worst <= 2e-6, f.name() + ": worst error " + worst);
        }
    }
}
