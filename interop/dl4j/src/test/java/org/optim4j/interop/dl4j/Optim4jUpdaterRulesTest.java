package org.optim4j.interop.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.optim4j.Optimizer;
import org.optim4j.backend.Backends;
import org.optim4j.rule.RuleType;
import org.optim4j.rule.Rules;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;

/** Every registered rule through the DL4J updater contract, against optim4j's scalar reference. */
class Optim4jUpdaterRulesTest {
    private static final int N = 1000;
    private static final int STEPS = 6;

    /** θ after {@code STEPS} DL4J-style steps: the updater rewrites g into the update, then θ.subi(update). */
    private static float[] dl4jSteps(Optim4jUpdater cfg, float[] theta0, float[][] grads, INDArray[] viewOut) {
        INDArray view = Nd4j.zeros(DataType.FLOAT, 1, cfg.stateSize(N));
        GradientUpdater u = cfg.stateSize(N) == 0 ? cfg.instantiate((INDArray) null, true) : cfg.instantiate(view, true);
        INDArray theta = Nd4j.createFromArray(theta0.clone()).reshape(1, N);
        for (int t = 0; t < grads.length; t++) {
            INDArray g = Nd4j.createFromArray(grads[t].clone()).reshape(1, N);
            u.applyUpdater(g, t, 0);
            theta.subi(g);
        }
        viewOut[0] = view;
        return theta.toFloatVector();
    }

    private static float[][] grads(long seed) {
        Random r = new Random(seed);
        float[][] g = new float[STEPS][N];
        for (float[] row : g) {
            for (int i = 0; i < N; i++) {
                row[i] = (float) r.nextGaussian() * (i % 7 == 0 ? 10f : 0.1f);
            }
        }
        return g;
    }

    private static float[] theta0() {
        Random r = new Random(1);
        float[] t = new float[N];
        for (int i = 0; i < N; i++) {
            t[i] = (float) r.nextGaussian();
        }
        return t;
    }

    @Test
    void everyRegisteredRuleMatchesTheScalarReference() {
        checkEveryRule(true);
        System.setProperty("optim4j.dl4j.updateForm", "false");
        try {
            checkEveryRule(false);
        } finally {
            System.clearProperty("optim4j.dl4j.updateForm");
        }
    }

    private static void checkEveryRule(boolean updateForm) {
        Dl4jAdam.register();
        int checked = 0;
        java.util.List<Map<String, Double>> configs = new java.util.ArrayList<>();
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (RuleType type : Rules.types()) {
            ids.add(type.id());
            configs.add(Map.of());
        }
        // ρ₂ = 0.9999: float32 rounds 1 − ρ₂ 1.7e-4 off (1 − fl(0.9999) = 1.000166e-4), ρ₂ = 0.999 1.3e-5
        for (String id : new String[] {"rmsprop", "adam"}) {
            for (double rho2 : new double[] {0.999, 0.9999}) {
                ids.add(id);
                configs.add(Map.of("rho2", rho2));
            }
        }
        for (int c = 0; c < ids.size(); c++) {
            String id = ids.get(c);
            Map<String, Double> hp = configs.get(c);
            String what = id + hp;
            Map<String, Schedule> sched = new java.util.HashMap<>();
            hp.forEach((k, v) -> sched.put(k, Schedule.constant(v)));
            UpdateRule rule = Rules.create(id, sched);
            if (rule.transforms().stream().anyMatch(t -> t.reduction()
                    == org.optim4j.transform.Transform.Reduction.PER_TENSOR_NORMS)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optim4jUpdater.of(id));
                assertTrue(e.getMessage().contains("per-tensor norms"), e.getMessage());
                continue;
            }
            if (Optim4jUpdater.readsParameters(rule)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> Optim4jUpdater.of(id));
                assertTrue(e.getMessage().contains("WeightDecay"), e.getMessage());
                continue;
            }
            Optim4jUpdater cfg = Optim4jUpdater.of(id, hp);
            assertEquals(rule.stateNames().size() * (long) N, cfg.stateSize(N));
            // Update form where the adapter has one for the chain (the built-in rules with an nd4j op or BLAS
            // form); every other registered rule (e.g. issue 11's) runs in scratch form.
            boolean hasForm = UpdateForms.FORMS.containsKey(org.optim4j.spi.KernelKey.of(rule).value());
            assertEquals(updateForm && hasForm, new Optim4jGradientUpdater(cfg).inUpdateForm(), what);
            float[][] g = grads(7);
            INDArray[] view = new INDArray[1];
            float[] ours = dl4jSteps(cfg, theta0(), g, view);
            float[] ref = theta0();
            Optimizer opt = Optimizer.create(rule, Backends.byName("scalar"), N);
            for (float[] gt : g) {
                opt.step(ref, gt.clone());
            }
            for (int i = 0; i < N; i++) {
                assertEquals(ref[i], ours[i], 2e-6 * (1 + Math.abs(ref[i])), what + " element " + i
                        + (updateForm ? " (update form)" : " (scratch form)"));
            }
            // the state view holds the rule's buffers block-wise, in the rule's order, within the backends' parity
            // tolerance |x − ref| ≤ 1e-5·(|ref| + rms(ref)) (ND4J's native RMSProp and Adam ops, which round ρ₂
            // and 1 − ρ₂ to float32, left r 1.3e-5 relative off at ρ₂ = 0.999 and 1.7e-4 at 0.9999)
            for (int k = 0; k < rule.stateNames().size(); k++) {
                float[] mine = view[0].reshape(view[0].length()).get(
                        org.nd4j.linalg.indexing.NDArrayIndex.interval((long) k * N, (long) (k + 1) * N)).toFloatVector();
                float[] theirs = opt.snapshot().state(rule.stateNames().get(k)).toFloatArray();
                double sum = 0;
                for (float x : theirs) {
                    sum += (double) x * x;
                }
                double rms = Math.sqrt(sum / N);
                // adam_dl4j's update form is DL4J's own native op on purpose (bit-identical to DL4J's Adam, see
                // below), float32-rounded 1 − ρ₂ included: the old slack for it
                boolean dl4jsOwnOp = updateForm && hasForm && id.equals(Dl4jAdam.ID);
                for (int i = 0; i < N; i++) {
                    double tol = dl4jsOwnOp ? 2e-5 * (1 + Math.abs(theirs[i])) : 1e-5 * (Math.abs(theirs[i]) + rms);
                    assertEquals(theirs[i], mine[i], tol, what + " state " + k
                            + " element " + i + (updateForm ? " (update form)" : " (scratch form)"));
                }
            }
            checked++;
        }
        assertTrue(checked >= 11, "checked " + checked);
    }

    @Test
    void dl4jConventionAdamIsBitIdenticalToDl4jsAdam() {
        float[][] g = grads(3);
        INDArray[] v1 = new INDArray[1], v2 = new INDArray[1];
        float[] ours = dl4jSteps(Optim4jUpdater.dl4jAdam(0.01, 0.8, 0.99, 1e-6), theta0(), g, v1);
        // DL4J's own
        Adam adam = new Adam(0.01, 0.8, 0.99, 1e-6);
        INDArray view = Nd4j.zeros(DataType.FLOAT, 1, adam.stateSize(N));
        GradientUpdater u = adam.instantiate(view, true);
        INDArray theta = Nd4j.createFromArray(theta0()).reshape(1, N);
        for (int t = 0; t < g.length; t++) {
            INDArray gt = Nd4j.createFromArray(g[t].clone()).reshape(1, N);
            u.applyUpdater(gt, t, 0);
            theta.subi(gt);
        }
        assertArrayEquals(theta.toFloatVector(), ours);
        assertArrayEquals(view.toFloatVector(), v1[0].toFloatVector());
    }

    @Test
    void float64BlocksRunOnTheFloat64Path() {
        for (String id : new String[] {"adam", "momentum", "rmsprop"}) {
            Optim4jUpdater cfg = Optim4jUpdater.of(id);
            UpdateRule rule = Rules.create(id, Map.of());
            INDArray view = Nd4j.zeros(DataType.DOUBLE, 1, cfg.stateSize(N));
            GradientUpdater u = cfg.instantiate(view, true);
            double[] ref = new double[N];
            double[] theta = new double[N];
            Optimizer opt = Optimizer.create(rule, Backends.byName("scalar-f64"), N);
            float[][] g = grads(11);
            for (int t = 0; t < g.length; t++) {
                double[] gd = new double[N];
                for (int i = 0; i < N; i++) {
                    gd[i] = g[t][i];
                }
                INDArray ga = Nd4j.createFromArray(gd.clone()).reshape(1, N);
                u.applyUpdater(ga, t, 0);
                double[] upd = ga.toDoubleVector();
                for (int i = 0; i < N; i++) {
                    theta[i] -= upd[i];
                }
                opt.step(ref, gd);
            }
            for (int i = 0; i < N; i++) {
                assertEquals(ref[i], theta[i], 1e-12 * (1 + Math.abs(ref[i])), id + " element " + i);
            }
        }
    }

    @Test
    void schedulesAreReadAtDl4jsIterationAndEpoch() {
        Optim4jUpdater opt = Optim4jUpdater.parse("sgd", "lr=linear:0.1,0.01,10");
        assertEquals(0.1, opt.getLearningRate(0, 0), 1e-12);
        assertEquals(0.01, opt.getLearningRate(20, 0), 1e-12);
        Optim4jUpdater epochly = Optim4jUpdater.of("sgd").withSchedule("lr",
                new ExponentialSchedule(ScheduleType.EPOCH, 0.5, 0.5));
        INDArray g = Nd4j.ones(DataType.FLOAT, 1, 4);
        GradientUpdater u = epochly.instantiate((INDArray) null, true);
        u.applyUpdater(g, 3, 2);
        assertEquals(0.125f, g.getFloat(0), 0f);
        Schedule s = Schedule.linearDecay(0.1, 0.01, 10);
        assertEquals(s.value(5), opt.getLearningRate(5, 0), 1e-12);
    }

    @Test
    void configurationsAreValues() {
        assertEquals(Optim4jUpdater.of("adam", Map.of("lr", 0.01)), Optim4jUpdater.adam(0.01));
        assertEquals(Optim4jUpdater.of("adam", Map.of("lr", 0.01)).hashCode(), Optim4jUpdater.adam(0.01).hashCode());
        assertEquals(Optim4jUpdater.adam(0.01), Optim4jUpdater.adam(0.01).clone());
        assertTrue(!Optim4jUpdater.adam(0.01).equals(Optim4jUpdater.adam(0.02)));
        assertThrows(IllegalArgumentException.class, () -> Optim4jUpdater.of("adam", Map.of("nope", 1)));
        assertThrows(IllegalArgumentException.class, () -> Optim4jUpdater.of("adam", Map.of("beta1", 1.5)));
    }
}
