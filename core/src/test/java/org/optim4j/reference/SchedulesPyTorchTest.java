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
import org.optim4j.schedule.ReduceOnPlateau;
import org.optim4j.schedule.Schedule;
import org.optim4j.schedule.Schedules;

/**
 * Every schedule kind against PyTorch 1.13's {@code torch.optim.lr_scheduler} stepped once per optimizer step
 * (fixtures/pytorch/schedules.txt, made once by generate_schedules.py beside it): the fixture gives optim4j's text
 * form of each schedule (parsed here as --schedule parses it) and PyTorch's learning rate at every step from t = 0
 * past the end; each value must agree to 1e-12 relative (a value PyTorch computes as exactly 0 must be within
 * 1e-12·α_max, since a relative error to 0 is undefined).
 */
class SchedulesPyTorchTest {

    record Fixture(String name, String text, double[] lr, String momentumText, double[] momentum, double[] metric) {
        boolean plateau() {
            return metric != null;
        }
    }

    static List<Fixture> load() throws IOException {
        List<Fixture> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
                SchedulesPyTorchTest.class.getResourceAsStream("/fixtures/pytorch/schedules.txt")),
                StandardCharsets.UTF_8))) {
            String line;
            String[] head = null;
            double[] lr = null, mom = null, metric = null;
            String momText = null;
            while ((line = r.readLine()) != null) {
                String[] w = line.trim().split(" ");
                switch (w[0]) {
                    case "schedule", "plateau" -> {
                        if (head != null) {
                            out.add(new Fixture(head[1], head[2], lr, momText, mom, metric));
                        }
                        head = w;
                        lr = mom = metric = null;
                        momText = null;
                    }
                    case "lr" -> lr = values(w);
                    case "momentum_spec" -> momText = w[1];
                    case "momentum" -> mom = values(w);
                    case "metric" -> metric = values(w);
                    default -> throw new IllegalStateException("bad fixture line: " + line);
                }
            }
            out.add(new Fixture(head[1], head[2], lr, momText, mom, metric));
        }
        return out;
    }

    private static double[] values(String[] w) {
        double[] v = new double[w.length - 1];
        for (int i = 0; i < v.length; i++) {
            v[i] = Double.parseDouble(w[i + 1]);
        }
        return v;
    }

    /** The worst relative error of {@code s} against {@code expected} over t = 0 … T−1. */
    static double worst(String name, Schedule s, double[] expected) {
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        double worst = 0;
        for (int t = 0; t < expected.length; t++) {
            double v = s.value(t);
            double err = expected[t] == 0 ? Math.abs(v) / scale : Math.abs(v - expected[t]) / Math.abs(expected[t]);
            assertTrue(err <= 1e-12, name + " at t = " + t + ": " + v + " but PyTorch " + expected[t]
                    + " (relative error " + err + ")");
            worst = Math.max(worst, err);
        }
        return worst;
    }

    @Test
    void everyScheduleEqualsPyTorchsLearningRatesAtEveryStep() throws IOException {
        List<Fixture> fixtures = load().stream().filter(f -> !f.plateau()).toList();
        assertEquals(14, fixtures.size());
        StringBuilder report = new StringBuilder();
        for (Fixture f : fixtures) {
            Schedule s = Schedule.parse(f.text());
            double w = worst(f.name(), s, f.lr());
            report.append(String.format("%-30s %-55s worst %.2e%n", f.name(), f.text(), w));
            if (f.momentumText() != null) {
                Schedule m = Schedule.parse(f.momentumText());
                double wm = worst(f.name() + " momentum", m, f.momentum());
                report.append(String.format("%-30s %-55s worst %.2e%n", f.name() + " momentum", f.momentumText(), wm));
            }
            // The checkpoint form gives back an equal schedule.
            Schedule.Encodable e = Schedules.encodable(s);
            assertEquals(s, Schedules.create(e.kind(), e.parameters()), f.name());
            // The text form round-trips.
            assertEquals(s, Schedule.parse(s.toString()), f.name() + ": " + s);
        }
        System.out.print(report);
    }

    /**
     * ReduceLROnPlateau fed the fixture's metric after every step: the rate before the first step and after every
     * observation equal PyTorch's; halfway through, the schedule goes through its checkpoint form and the copy goes
     * on exactly as the original.
     */
    @Test
    void plateauEqualsReduceLROnPlateauAndResumesFromItsCheckpointForm() throws IOException {
        List<Fixture> fixtures = load().stream().filter(Fixture::plateau).toList();
        assertEquals(3, fixtures.size());
        for (Fixture f : fixtures) {
            ReduceOnPlateau p = (ReduceOnPlateau) Schedule.parse(f.text());
            double[] seen = new double[f.lr().length];
            seen[0] = p.value(0);
            for (int t = 0; t < f.metric().length; t++) {
                if (t == f.metric().length / 2) {
                    Schedule.Encodable e = Schedules.encodable(p);
                    ReduceOnPlateau copy = (ReduceOnPlateau) Schedules.create(e.kind(), e.parameters());
                    assertEquals(p, copy, f.name());
                    p = copy;
                }
                p.observe(f.metric()[t]);
                seen[t + 1] = p.value(t + 1);
            }
            double w = worst(f.name(), t -> seen[(int) t], f.lr());
            System.out.printf("%-30s %-55s worst %.2e%n", f.name(), f.text(), w);
        }
    }
}
