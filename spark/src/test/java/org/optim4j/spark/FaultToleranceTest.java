package org.optim4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.optim4j.spark.SparkTestContext.ARCH;
import static org.optim4j.spark.SparkTestContext.TRAIN;
import static org.optim4j.spark.SparkTestContext.bits;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.optim4j.rule.Adam;
import org.optim4j.rule.Momentum;

/**
 * In local[2,4] (Spark retries a failed task up to 4 times): a task that fails on its first attempt is retried
 * and the run is the same run; a run resumed from a sharded checkpoint is the uninterrupted run.
 */
class FaultToleranceTest {
    @TempDir
    static Path dir;
    static JavaSparkContext sc;

    @BeforeAll
    static void start() throws Exception {
        sc = SparkTestContext.start("local[2,4]", dir);
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.stop();
        }
    }

    private static SparkTrainer.Builder builder(SparkTrainer.Mode mode) {
        return SparkTrainer.builder(sc, ARCH, Adam.defaults(), TRAIN).mode(mode).workers(2).perWorkerBatch(16).seed(3)
                .shards(3).lineageCheckpointEvery(2).localSteps(2);
    }

    private static float[] run(SparkTrainer t, long steps) {
        t.runUntil(steps);
        return t.parameters();
    }

    @ParameterizedTest
    @EnumSource(SparkTrainer.Mode.class)
    void aTaskKilledOnItsFirstAttemptIsRetriedAndTheRunIsTheSame(SparkTrainer.Mode mode) throws Exception {
        float[] clean;
        try (SparkTrainer t = builder(mode).build()) {
            clean = run(t, 6);
        }
        List<FaultInjection> faults = mode == SparkTrainer.Mode.SHARDED_STATE
                ? List.of(new FaultInjection(2, FaultInjection.Stage.GRADIENT, 1),
                        new FaultInjection(3, FaultInjection.Stage.SHARD_STEP, 2))
                : List.of(new FaultInjection(mode == SparkTrainer.Mode.PARAMETER_AVERAGING ? 3 : 2,
                        FaultInjection.Stage.GRADIENT, 1));
        for (FaultInjection f : faults) {
            try (SparkTrainer t = builder(mode).faults(f).build()) {
                assertArrayEquals(bits(clean), bits(run(t, 6)), mode + " with " + f);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(SparkTrainer.Mode.class)
    void aRunResumedFromItsCheckpointIsTheUninterruptedRun(SparkTrainer.Mode mode) throws Exception {
        Path cp = dir.resolve("cp-" + mode);
        float[] uninterrupted;
        float[] stateAfter;
        try (SparkTrainer t = builder(mode).build()) {
            run(t, 4);
            t.saveCheckpoint(cp);
            uninterrupted = run(t, 8);
            stateAfter = t.stateBuffer("r");
        }
        try (Stream<Path> files = Files.list(cp)) {
            assertEquals(mode == SparkTrainer.Mode.SHARDED_STATE ? 4 : 2, files.count(), "shard files + manifest");
        }
        try (SparkTrainer t = builder(mode).resumeFrom(cp).build()) {
            assertEquals(4, t.stepCount());
            assertArrayEquals(bits(uninterrupted), bits(run(t, 8)), mode + ": resumed θ");
            assertArrayEquals(bits(stateAfter), bits(t.stateBuffer("r")), mode + ": resumed state");
            t.saveCheckpoint(cp);
        }
        try (Stream<Path> files = Files.list(cp)) {
            assertTrue(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("shard-"))
                    .allMatch(n -> n.contains("step-000000000008")), "the older shard files are deleted");
        }
    }

    @Test
    void resumeRefusesAnotherRunAndACorruptShardWithOneLine() throws Exception {
        Path cp = dir.resolve("cp-refuse");
        try (SparkTrainer t = builder(SparkTrainer.Mode.SHARDED_STATE).build()) {
            run(t, 2);
            t.saveCheckpoint(cp);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> builder(SparkTrainer.Mode.SHARDED_STATE).seed(4).resumeFrom(cp).build());
        assertEquals("resumeFrom: the checkpoint is of a run with seed 3, this run has seed 4; resume with the same seed",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SparkTrainer.builder(sc, ARCH, Momentum.of(0.1, 0.9),
                TRAIN).workers(2).perWorkerBatch(16).seed(3).shards(3).resumeFrom(cp).build());
        assertTrue(e.getMessage().startsWith("resumeFrom: the checkpoint is of a run with rule adam"), e.getMessage());
        Path shard;
        try (Stream<Path> files = Files.list(cp)) {
            shard = files.filter(p -> p.getFileName().toString().startsWith("shard-00001")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(shard);
        bytes[bytes.length / 2] ^= 1;
        Files.write(shard, bytes);
        e = assertThrows(IllegalArgumentException.class,
                () -> builder(SparkTrainer.Mode.SHARDED_STATE).resumeFrom(cp).build());
        assertTrue(e.getMessage().startsWith("resumeFrom: ") && e.getMessage().contains(shard.getFileName().toString()),
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
