package org.optim4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.optim4j.spark.SparkTestContext.ARCH;
import static org.optim4j.spark.SparkTestContext.TRAIN;
import static org.optim4j.spark.SparkTestContext.bits;
import static org.optim4j.spark.SparkTestContext.maxAbsDiff;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optim4j.Optimizer;
import org.optim4j.backend.Backends;
import org.optim4j.network.Batch;
import org.optim4j.network.Engine;
import org.optim4j.network.Mlp;
import org.optim4j.network.train.DataParallelReference;
import org.optim4j.network.train.PartialGradients;
import org.optim4j.network.train.ShardPlan;
import org.optim4j.rule.Adam;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spi.FloatArrayBuffer;
import org.optim4j.state.BufferData;
import org.optim4j.state.OptimizerSnapshot;

/** Local SGD: k local steps per worker, then θ (and by default the state) averaged in worker order. */
class ParameterAveragingTest {
    @TempDir
    static Path dir;
    static JavaSparkContext sc;

    @BeforeAll
    static void start() throws Exception {
        sc = SparkTestContext.start("local[2]", dir);
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.stop();
        }
    }

    @Test
    void oneWorkerOneLocalStepIsTheSingleProcessRun() throws Exception {
        DataParallelReference ref = SparkTestContext.reference(Adam.defaults(), "simd", 1, 32, 9);
        try (SparkTrainer t = SparkTrainer.builder(sc, ARCH, Adam.defaults(), TRAIN)
                .mode(SparkTrainer.Mode.PARAMETER_AVERAGING).workers(1).perWorkerBatch(32).seed(9).localSteps(1)
                .build()) {
            for (int i = 0; i < 5; i++) {
                ref.step();
                t.step();
            }
            assertEquals(0f, maxAbsDiff(ref.parameters().array(), t.parameters()));
            assertArrayEquals(bits(ref.parameters().array()), bits(t.parameters()));
            for (String name : List.of("s", "r")) {
                assertArrayEquals(bits(((FloatArrayBuffer) ref.optimizer().state().buffer(name)).array()),
                        bits(t.stateBuffer(name)), name);
            }
        }
    }

    @Test
    void twoWorkersAverageEveryKSteps() throws Exception {
        for (boolean averageState : new boolean[] {true, false}) {
            int k = 3;
            try (SparkTrainer t = SparkTrainer.builder(sc, ARCH, Adam.defaults(), TRAIN)
                    .mode(SparkTrainer.Mode.PARAMETER_AVERAGING).workers(2).perWorkerBatch(16).seed(4).localSteps(k)
                    .averageState(averageState).build()) {
                t.step();
                t.step();
                assertEquals(2 * k, t.stepCount());
                assertEquals(2, t.communicationRounds(), "one round per k steps");
                float[] want = simulate(Adam.defaults(), 2, 16, 4, k, 2, averageState);
                assertArrayEquals(bits(want), bits(t.parameters()), "averageState " + averageState);
                assertNotEquals(0f, maxAbsDiff(want, simulate(Adam.defaults(), 2, 16, 4, 1, 2 * k, averageState)),
                        "averaging every step is another run, so the test tells k apart");
            }
        }
    }

    /** Local SGD written out plainly: each worker steps alone k times on its pieces, then the means. */
    static float[] simulate(UpdateRule rule, int workers, int b, long seed, int k, int rounds, boolean averageState) {
        int n = ARCH.parameterCount();
        ShardPlan plan = new ShardPlan(TRAIN.rows(), workers, b, seed);
        float[] theta = new float[n];
        Mlp.create(ARCH, Engine.JAVA, 1).initialise(FloatArrayBuffer.wrap(theta), seed);
        Mlp mlp = Mlp.create(ARCH, Engine.JAVA, b);
        Batch batch = Batch.allocate(b, ARCH.inputSize());
        List<Optimizer> opts = new ArrayList<>();
        for (int p = 0; p < workers; p++) {
            opts.add(Optimizer.create(rule, Backends.byName("simd"), n));
        }
        long step = 0;
        for (int round = 0; round < rounds; round++) {
            List<float[]> thetas = new ArrayList<>();
            for (int p = 0; p < workers; p++) {
                float[] th = theta.clone();
                float[] g = new float[n];
                for (int j = 0; j < k; j++) {
                    PartialGradients.partial(mlp, FloatArrayBuffer.wrap(th), TRAIN, plan.rows(step + j, p), batch,
                            FloatArrayBuffer.wrap(g));
                    opts.get(p).step(th, g);
                }
                thetas.add(th);
            }
            PartialGradients.combineInto(thetas, 0, 0, n, theta);
            if (averageState) {
                OptimizerSnapshot first = opts.get(0).snapshot();
                java.util.Map<String, BufferData> mean = new java.util.LinkedHashMap<>();
                for (String name : first.state().keySet()) {
                    List<float[]> parts = new ArrayList<>();
                    for (Optimizer o : opts) {
                        parts.add(o.snapshot().state(name).toFloatArray());
                    }
                    float[] m = new float[n];
                    PartialGradients.combineInto(parts, 0, 0, n, m);
                    mean.put(name, BufferData.wrapFloats(m));
                }
                OptimizerSnapshot avg = new OptimizerSnapshot(first.step(), 0, n, first.tensors(), first.groups(), mean);
                for (Optimizer o : opts) {
                    o.load(avg);
                }
            }
            step += k;
        }
        return theta;
    }
}
