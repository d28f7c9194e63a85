package org.optim4j.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.optim4j.DoubleTestBackend;
import org.optim4j.Optimizer;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.rule.Rules;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spi.Backend;

/**
 * The rules of issue 11 against their references on fixed gradient sequences (fixtures/pytorch/RULE.txt, made
 * once by generate_rules.py beside them): PyTorch 1.13's {@code torch.optim} (single-tensor code), and for Lion
 * a NumPy transcription of Optax's {@code lion} (lion_reference.py). Each configuration names the rule and its
 * {@code --hp} text, so the rule is built through the registry as a user would. float64 must match to 1e-12
 * relative at every step of 30; float32 within the rule's bound below, relative to max(|θ|, 1): a few float32
 * roundings per step (PyTorch rounds every intermediate tensor, the reference only what it stores), accumulated
 * over 30 steps; a rule that divides by a small √r (RAdam, AdaMax, centered RMSProp) amplifies them.
 */
class Issue11ReferenceTest {

    /**
     * float32 bound per rule (relative to max(|θ|, 1)): AdamW's 2e-6 for all; measured worst (printed by the test)
     * 1.2e-7 … 1.2e-6, the largest for adamw_amsgrad.
     */
    static final Map<String, Double> FLOAT32_BOUND = Map.of(
            "amsgrad", 2e-6, "adamw_amsgrad", 2e-6, "nadam", 2e-6, "radam", 2e-6, "adamax", 2e-6,
            "adadelta", 2e-6, "rmsprop_centered", 2e-6, "sgd_torch", 2e-6, "sgd_torch_nesterov", 2e-6,
            "lion", 2e-6);

    record Fixture(String name, String rule, String hp, double[] theta0, List<double[]> grads,
                   List<double[]> float64, List<double[]> float32) {
    }

    static List<Fixture> load(String rule) throws IOException {
        List<Fixture> out = new ArrayList<>();
        String resource = "/fixtures/pytorch/" + rule + ".txt";
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
                Issue11ReferenceTest.class.getResourceAsStream(resource), resource), StandardCharsets.UTF_8))) {
            String line;
            String[] head = null;
            double[] theta0 = null;
            List<double[]> g = null, f64 = null, f32 = null;
            while ((line = r.readLine()) != null) {
                String[] w = line.trim().split(" ");
                switch (w[0]) {
                    case "config" -> {
                        if (head != null) {
                            out.add(new Fixture(head[1], head[3], head[5], theta0, g, f64, f32));
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
            out.add(new Fixture(head[1], head[3], head[5], theta0, g, f64, f32));
        }
        return out;
    }

    /** Steps the fixture's rule on {@code backend} and returns the worst relative error seen. */
    static double worst(Fixture f, Backend backend, List<double[]> expected, double floor) {
        UpdateRule rule = Rules.create(f.rule(), Rules.parse(f.rule(), f.hp()));
        assertEquals(f.rule(), rule.id());
        Optimizer opt = Optimizer.create(rule, backend, f.theta0().length);
        return ReferenceRuns.worst(opt, backend, f.theta0(), f.grads(), expected, floor);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"amsgrad", "adamw_amsgrad", "nadam", "radam", "adamax", "adadelta", "rmsprop_centered",
            "sgd_torch", "sgd_torch_nesterov", "lion"})
    void matchesTheReferenceInFloat64AndFloat32(String rule) throws IOException {
        double worst64 = 0, worst32 = 0;
        StringBuilder failures = new StringBuilder();
        for (Fixture f : load(rule)) {
            double e64 = worst(f, new DoubleTestBackend(), f.float64(), 0);
            double e32 = worst(f, new ScalarBackend(), f.float32(), 1);
            worst64 = Math.max(worst64, e64);
            worst32 = Math.max(worst32, e32);
            if (!(e64 <= 1e-12)) {
                failures.append(String.format(" %s: float64 worst relative error %.3g;", f.name(), e64));
            }
            if (!(e32 <= FLOAT32_BOUND.get(rule))) {
                failures.append(String.format(" %s: float32 worst error %.3g;", f.name(), e32));
            }
        }
        System.out.printf("issue-11 reference %-20s float64 worst %.3g, float32 worst %.3g%n", rule, worst64, worst32);
        assertTrue(failures.length() == 0, rule + ":" + failures);
    }
}
