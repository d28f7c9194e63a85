package org.optim4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.optim4j.spark.SparkTestContext.ARCH;
import static org.optim4j.spark.SparkTestContext.TRAIN;
import static org.optim4j.spark.SparkTestContext.bits;
import static org.optim4j.spark.SparkTestContext.maxAbsDiff;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.optim4j.Optimizer;
import org.optim4j.network.train.DataParallelReference;
import org.optim4j.rule.Adam;
import org.optim4j.rule.Momentum;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spi.FloatArrayBuffer;

/** Every mode equals the single-process data-parallel reference bit for bit, in local[2]. */
class SparkTrainerEqualityTest {
    @TempDir
    static Path dir;
    static JavaSparkContext sc;

    @BeforeAll
    static void start() throws Exception {
        // -Doptim4j.spark.master=local-cluster[2,1,1024] runs it with executors in their own JVMs (that needs a
        // Spark distribution: SPARK_HOME with its bin/ scripts).
        sc = SparkTestContext.start(System.getProperty("optim4j.spark.master", "local[2]"), dir);
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.stop();
        }
    }

    static Stream<Arguments> modesAndRules() {
        return Stream.of(
                Arguments.of(SparkTrainer.Mode.DRIVER_STATE, Adam.defaults(), "simd"),
                Arguments.of(SparkTrainer.Mode.DRIVER_STATE, Momentum.of(0.05, 0.9), "scalar"),
                Arguments.of(SparkTrainer.Mode.SHARDED_STATE, Adam.defaults(), "simd"),
                Arguments.of(SparkTrainer.Mode.SHARDED_STATE, Momentum.of(0.05, 0.9), "scalar"));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("modesAndRules")
    void synchronousModesEqualTheSingleProcessRunBitForBit(SparkTrainer.Mode mode, UpdateRule rule, String backend)
            throws Exception {
        int steps = 7;
        DataParallelReference ref = SparkTestContext.reference(rule, backend, 2, 16, 5);
        // Three state shards over two workers: uneven slices, and a lineage checkpoint every 3 steps.
        try (SparkTrainer spark = SparkTrainer.builder(sc, ARCH, rule, TRAIN).mode(mode).workers(2).perWorkerBatch(16)
                .seed(5).shards(3).backend(backend).lineageCheckpointEvery(3).build()) {
            assertArrayEquals(bits(ref.parameters().array()), bits(spark.parameters()), "same initial θ");
            for (int i = 0; i < steps; i++) {
                double refLoss = ref.step();
                double loss = spark.step();
                assertEquals(refLoss, loss, "loss of step " + i);
            }
            float[] want = ref.parameters().array();
            float[] got = spark.parameters();
            assertEquals(0f, maxAbsDiff(want, got), "max |Δθ|");
            assertArrayEquals(bits(want), bits(got), "θ bit for bit");
            Optimizer o = ref.optimizer();
            for (String name : o.state().names()) {
                float[] s = ((FloatArrayBuffer) o.state().buffer(name)).array();
                assertArrayEquals(bits(s), bits(spark.stateBuffer(name)), "state buffer " + name);
            }
            assertEquals(steps, spark.stepCount());
            assertNotEquals(0f, maxAbsDiff(want, SparkTestContext.reference(rule, backend, 2, 16, 5).parameters()
                    .array()), "training moved θ");
        }
    }

    @Test
    void aFixedOrderMatters_anotherWorkerCountIsAnotherRun() throws Exception {
        // Not a tautology check: the same rows summed as one worker give other bits than as two.
        DataParallelReference two = SparkTestContext.reference(Adam.defaults(), "simd", 2, 16, 5);
        DataParallelReference one = SparkTestContext.reference(Adam.defaults(), "simd", 1, 32, 5);
        for (int i = 0; i < 3; i++) {
            two.step();
            one.step();
        }
        assertNotEquals(0f, maxAbsDiff(two.parameters().array(), one.parameters().array()));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(SparkTrainer.Mode.class)
    void aTaskThatFailsWithoutRetriesFailsTheStepClearlyAndChangesNothing(SparkTrainer.Mode mode) throws Exception {
        // local[2] does not retry a task: the injected failure fails the step's job (a cluster master retries).
        org.junit.jupiter.api.Assumptions.assumeTrue(sc.master().equals("local[2]"), "needs a master without retries");
        var builder = SparkTrainer.builder(sc, ARCH, Adam.defaults(), TRAIN).mode(mode).workers(2).perWorkerBatch(16)
                .seed(6).shards(2).localSteps(2);
        float[] before;
        float[] stateBefore;
        try (SparkTrainer clean = builder.build()) {
            clean.runUntil(4);
            before = clean.parameters();
            stateBefore = clean.stateBuffer("s");
        }
        FaultInjection.Stage stage = mode == SparkTrainer.Mode.SHARDED_STATE ? FaultInjection.Stage.SHARD_STEP
                : FaultInjection.Stage.GRADIENT;
        try (SparkTrainer t = builder.faults(new FaultInjection(4, stage, 1)).build()) {
            t.runUntil(4);
            SparkStepException e = assertThrows(SparkStepException.class, t::step);
            assertEquals("step 4 failed, parameters and optimizer state are those before it: injected failure: " + stage
                    + " task of partition 1 at step 4, attempt 0", e.getMessage());
            assertEquals(4, t.stepCount());
            assertArrayEquals(bits(before), bits(t.parameters()), "θ unchanged");
            assertArrayEquals(bits(stateBefore), bits(t.stateBuffer("s")), "state unchanged");
        }
    }

    @Test
    void shardedModeRefusesRulesWithAReductionOverMoreThanASlice() {
        UpdateRule clipped = org.optim4j.rule.Transforms.prepend(Adam.defaults(),
                new org.optim4j.transform.ClipByGlobalNorm(org.optim4j.schedule.Schedule.constant(1.0)));
        for (UpdateRule rule : java.util.List.of(clipped, org.optim4j.rule.Rules.create("lamb", java.util.Map.of()))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SparkTrainer.builder(sc,
                    ARCH, rule, TRAIN).mode(SparkTrainer.Mode.SHARDED_STATE).build());
            assertTrue(e.getMessage().startsWith("rule '" + rule.id() + "' has transform '")
                    && e.getMessage().endsWith("reduction over more than a slice of the state; use mode DRIVER_STATE"),
                    e.getMessage());
        }
    }

    @Test
    void badSettingsAreOneLineErrorsNamingTheValue() {
        var b = SparkTrainer.builder(sc, ARCH, Adam.defaults(), TRAIN);
        assertEquals("workers must be >= 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> b.workers(0)).getMessage());
        assertEquals("mode must be 'driver', 'sharded' or 'averaging', got 'zero'",
                assertThrows(IllegalArgumentException.class, () -> SparkTrainer.Mode.parse("zero")).getMessage());
        assertEquals("rows must be >= workers × perWorkerBatch = 2 × 1000, got " + TRAIN.rows(),
                assertThrows(IllegalArgumentException.class, () -> SparkTrainer.builder(sc, ARCH, Adam.defaults(),
                        TRAIN).perWorkerBatch(1000).build()).getMessage());
    }
}
