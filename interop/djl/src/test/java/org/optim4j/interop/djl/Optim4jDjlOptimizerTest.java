package org.optim4j.interop.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.optim4j.network.data.Dataset;
import org.optim4j.network.data.Digits;

/** The MLP 64-32-10 on the digits in DJL (PyTorch engine, CPU), with DJL's optimizers and optim4j's. */
class Optim4jDjlOptimizerTest {
    private static Dataset train;
    private static Dataset test;

    @BeforeAll
    static void load() {
        Dataset.Split s = Digits.load().split(0.8, 42);
        train = s.train();
        test = s.test();
    }

    static int trainRows() {
        return train.rows();
    }

    static final class Run implements AutoCloseable {
        final Model model;
        final Trainer trainer;

        Run(Optimizer optimizer) {
            SequentialBlock block = new SequentialBlock().add(Linear.builder().setUnits(32).build())
                    .add(Activation::relu).add(Linear.builder().setUnits(10).build());
            model = Model.newInstance("mlp");
            model.setBlock(block);
            trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(optimizer).optInitializer(new NormalInitializer(0.1f), Parameter.Type.WEIGHT));
            Engine.getInstance().setRandomSeed(42);
            trainer.initialize(new Shape(32, 64));
        }

        void fit(int steps, int batch) {
            NDManager m = trainer.getManager();
            int rows = train.rows();
            for (int s = 0; s < steps; s++) {
                int from = (s * batch) % (rows - batch);
                float[] x = new float[batch * 64];
                float[] y = new float[batch];
                for (int r = 0; r < batch; r++) {
                    for (int c = 0; c < 64; c++) {
                        x[r * 64 + c] = train.feature(from + r, c) / Digits.MAX_PIXEL;
                    }
                    y[r] = train.label(from + r);
                }
                try (NDManager sub = m.newSubManager(); GradientCollector gc = trainer.newGradientCollector()) {
                    NDArray xs = sub.create(x, new Shape(batch, 64));
                    NDArray ys = sub.create(y, new Shape(batch));
                    NDArray pred = trainer.forward(new NDList(xs)).singletonOrThrow();
                    NDArray loss = trainer.getLoss().evaluate(new NDList(ys), new NDList(pred));
                    gc.backward(loss);
                }
                trainer.step();
            }
        }

        double accuracy() {
            float[] x = new float[test.rows() * 64];
            for (int r = 0; r < test.rows(); r++) {
                for (int c = 0; c < 64; c++) {
                    x[r * 64 + c] = test.feature(r, c) / Digits.MAX_PIXEL;
                }
            }
            try (NDManager sub = trainer.getManager().newSubManager()) {
                NDArray pred = trainer.evaluate(new NDList(sub.create(x, new Shape(test.rows(), 64))))
                        .singletonOrThrow().argMax(1);
                long[] p = pred.toLongArray();
                int ok = 0;
                for (int r = 0; r < p.length; r++) {
                    ok += p[r] == test.label(r) ? 1 : 0;
                }
                return ok / (double) p.length;
            }
        }

        List<float[]> params() {
            List<float[]> out = new ArrayList<>();
            model.getBlock().getParameters().forEach(p -> out.add(p.getValue().getArray().toFloatArray()));
            return out;
        }

        @Override
        public void close() {
            trainer.close();
            model.close();
        }
    }

    static float maxAbsDiff(List<float[]> a, List<float[]> b) {
        float m = 0;
        for (int i = 0; i < a.size(); i++) {
            for (int j = 0; j < a.get(i).length; j++) {
                m = Math.max(m, Math.abs(a.get(i)[j] - b.get(i)[j]));
            }
        }
        return m;
    }

    @Test
    void sgdGivesDjlsSgdParameters() {
        try (Run theirs = new Run(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build());
             Run ours = new Run(Optim4jDjlOptimizer.builder("sgd").hyperParameters("lr=0.1").build())) {
            assertEquals(0f, maxAbsDiff(theirs.params(), ours.params()), "same initial parameters");
            theirs.fit(100, 32);
            ours.fit(100, 32);
            float d = maxAbsDiff(theirs.params(), ours.params());
            System.out.printf("DJL Sgd vs optim4j sgd, 100 steps: max |Δθ| = %g; accuracy %.4f vs %.4f%n", d,
                    theirs.accuracy(), ours.accuracy());
            assertTrue(d <= 1e-5f, "max |Δθ| " + d);
        }
    }

    @Test
    void adamReachesDjlsAdamAccuracy() {
        try (Run theirs = new Run(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build());
             Run ours = new Run(Optim4jDjlOptimizer.builder("adam").hyperParameters("lr=0.01").build())) {
            theirs.fit(200, 32);
            ours.fit(200, 32);
            float d = maxAbsDiff(theirs.params(), ours.params());
            double a = theirs.accuracy(), b = ours.accuracy();
            System.out.printf("DJL Adam vs optim4j adam, 200 steps: max |Δθ| = %g; accuracy %.4f vs %.4f%n", d, a, b);
            assertTrue(b > 0.9 && Math.abs(a - b) <= 0.03, a + " vs " + b);
        }
    }

    /** A learning rate that trains this small MLP in 150 steps: by the rule's kind (AdaDelta at PyTorch's 1.0). */
    private static String learningRate(String id) {
        if (id.equals("adadelta")) {
            return "lr=1.0";
        }
        if (id.equals("lion")) {
            return "lr=0.001";
        }
        boolean adaptive = id.startsWith("adam") || id.startsWith("rmsprop") || id.equals("amsgrad")
                || id.equals("nadam") || id.equals("radam") || id.equals("adamax");
        return adaptive ? "lr=0.01" : "lr=0.1";
    }

    @Test
    void everyRuleTrainsAndZeroesTheGradient() {
        for (String id : org.optim4j.rule.Rules.ids()) {
            if (id.equals("lamb")) { // per-tensor norms: refused, naming them
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> Optim4jDjlOptimizer.builder(id).build());
                assertTrue(e.getMessage().contains("per-tensor norms"), e.getMessage());
                continue;
            }
            try (Run ours = new Run(Optim4jDjlOptimizer.builder(id).hyperParameters(learningRate(id)).build())) {
                ours.fit(150, 32);
                double a = ours.accuracy();
                System.out.printf("optim4j %s in DJL, 150 steps: accuracy %.4f%n", id, a);
                assertTrue(a > 0.8, id + " " + a);
                ours.model.getBlock().getParameters().forEach(p -> {
                    NDArray g = p.getValue().getArray().getGradient();
                    assertEquals(0f, g.abs().max().getFloat(), id + " gradient of " + p.getKey() + " zeroed");
                });
            }
        }
    }
}
