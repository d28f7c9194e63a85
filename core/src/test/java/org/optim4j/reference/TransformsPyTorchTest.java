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
import org.optim4j.rule.Adam;
import org.optim4j.rule.AdamW;
import org.optim4j.rule.Momentum;
import org.optim4j.rule.Sgd;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.ExponentialDecay;
import org.optim4j.spi.Buffer;
import org.optim4j.state.Range;
import org.optim4j.transform.ClipByValue;
import org.optim4j.rule.Transforms;

/**
 * The gradient transforms in front of a rule against PyTorch 1.13 (fixtures/pytorch/transforms.txt, made once by
 * generate_transforms.py beside it; float64): clip_grad_value_, the weight_decay argument of SGD and Adam (coupled
 * L2), AdamW with weight_decay 0 for the biases (parameter groups), and gradient accumulation over k micro-batches
 * (with a schedule stepped once per update). θ after every update within 1e-12 relative; with accumulation, θ must
 * not move on the calls that only accumulate.
 */
class TransformsPyTorchTest {

    record Fixture(String name, int updates, int k, double[] theta0, List<double[]> grads, List<double[]> float64) {
    }

    static List<Fixture> load() throws IOException {
        List<Fixture> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
                TransformsPyTorchTest.class.getResourceAsStream("/fixtures/pytorch/transforms.txt")),
                StandardCharsets.UTF_8))) {
            String line;
            String[] head = null;
            double[] theta0 = null;
            List<double[]> g = null, f64 = null;
            while ((line = r.readLine()) != null) {
                String[] w = line.trim().split(" ");
                switch (w[0]) {
                    case "config" -> {
                        if (head != null) {
                            out.add(new Fixture(head[1], Integer.parseInt(head[3]), Integer.parseInt(head[5]), theta0, g, f64));
                        }
                        head = w;
                        g = new ArrayList<>();
                        f64 = new ArrayList<>();
                    }
                    case "theta0" -> theta0 = ReferenceRuns.values(w, 1);
                    case "grad" -> g.add(ReferenceRuns.values(w, 2));
                    case "float64" -> f64.add(ReferenceRuns.values(w, 2));
                    default -> throw new IllegalStateException("bad fixture line: " + line);
                }
            }
            out.add(new Fixture(head[1], Integer.parseInt(head[3]), Integer.parseInt(head[5]), theta0, g, f64));
        }
        return out;
    }

    /** The optimizer compared with each configuration (see generate_transforms.py). */
    static Optimizer optimizer(String name, DoubleTestBackend b, int n) {
        UpdateRule rule = switch (name) {
            case "clip_value_momentum" -> Transforms.prepend(Momentum.of(0.05, 0.9), ClipByValue.of(0.3));
            case "clip_value_adam" -> Transforms.prepend(Adam.of(0.01), ClipByValue.of(0.3));
            case "l2_sgd" -> Transforms.prepend(Sgd.of(0.1), Transforms.l2(0.05));
            case "l2_momentum" -> Transforms.prepend(Momentum.of(0.05, 0.9), Transforms.l2(0.01));
            case "l2_adam" -> Transforms.prepend(Adam.of(0.01), Transforms.l2(0.1));
            case "accumulate_adam_k3" -> Transforms.accumulate(Adam.of(0.01), 3);
            case "accumulate_adam_k4_exp" -> Transforms.accumulate(
                    new Adam(new ExponentialDecay(0.01, 0.9), 0.9, 0.999, 1e-8), 4);
            case "adamw_no_decay_bias" -> null;
            default -> throw new IllegalStateException(name);
        };
        if (rule == null) {
            return Optimizer.builder(AdamW.of(0.01, 0.1)).backend(b).parameterCount(n)
                    .group("no_decay", Adam.of(0.01), List.of(new Range(5, 7))).build();
        }
        return Optimizer.create(rule, b, n);
    }

    @Test
    void everyTransformEqualsPyTorchTo1e12() throws IOException {
        List<Fixture> fixtures = load();
        assertEquals(8, fixtures.size());
        StringBuilder report = new StringBuilder();
        for (Fixture f : fixtures) {
            DoubleTestBackend b = new DoubleTestBackend();
            int n = f.theta0().length;
            Optimizer opt = optimizer(f.name(), b, n);
            Buffer theta = b.allocate(n);
            Buffer grad = b.allocate(n);
            for (int i = 0; i < n; i++) {
                theta.set(i, f.theta0()[i]);
            }
            double worst = 0;
            for (int call = 0; call < f.grads().size(); call++) {
                double[] before = new double[n];
                for (int i = 0; i < n; i++) {
                    grad.set(i, f.grads().get(call)[i]);
                    before[i] = theta.get(i);
                }
                assertTrue(opt.step(theta, grad));
                if ((call + 1) % f.k() != 0) {
                    for (int i = 0; i < n; i++) {
                        assertEquals(before[i], theta.get(i), 0, f.name() + ": θ moved on accumulating call " + call);
                    }
                    continue;
                }
                double[] want = f.float64().get(call / f.k());
                for (int i = 0; i < n; i++) {
                    double err = Math.abs(theta.get(i) - want[i]) / Math.abs(want[i]);
                    assertTrue(err <= 1e-12, f.name() + " update " + call / f.k() + " element " + i + ": "
                            + theta.get(i) + " but PyTorch " + want[i]);
                    worst = Math.max(worst, err);
                }
            }
            assertEquals((long) f.grads().size(), opt.state().step(), f.name() + ": the counter counts calls");
            report.append(String.format("%-26s worst %.2e%n", f.name(), worst));
        }
        System.out.print(report);
    }
}
