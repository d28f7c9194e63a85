package org.optim4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.checkpoint.Checkpoint;
import org.optim4j.rule.Rules;
import org.optim4j.rule.Sgd;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.ConstantRate;
import org.optim4j.schedule.CosineAnnealing;
import org.optim4j.schedule.Join;
import org.optim4j.schedule.LinearWarmup;
import org.optim4j.schedule.OneCycle;
import org.optim4j.schedule.ReduceOnPlateau;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.Params;

/** The schedule kinds beyond linear decay: text forms, checkpoints, refusals. (Values: SchedulesPyTorchTest.) */
class ScheduleKindsTest {
    private static final ScalarBackend SCALAR = new ScalarBackend();

    @TempDir
    Path dir;

    @Test
    void warmupThenCosineThenHoldParsesAsAJoinAndHoldsAfterTheEnd() {
        Schedule s = Schedule.parse("warmup:0,0.1,10+cosine:0.1,0.001,90@10+constant:0.001@100");
        assertEquals(new Join(List.of(new LinearWarmup(0, 0.1, 10), new CosineAnnealing(0.1, 0.001, 90),
                new ConstantRate(0.001)), new long[] {10, 100}), s);
        assertEquals(0, s.value(0), 0);
        assertEquals(0.05, s.value(5), 1e-17);
        assertEquals(0.1, s.value(10), 0);
        assertEquals(0.001, s.value(100), 0);
        assertEquals(0.001, s.value(1_000_000), 0);
        // 1e+4 is a number, not a join.
        assertEquals(OneCycle.rate(0.1, 100, 0.3, 25, 1e4, false, false), Schedule.parse("onecycle:0.1,100,0.3,25,1e+4"));
        assertEquals(new CosineAnnealing(0.1, 0, 5), Schedule.parse("cosine:+0.1,0,5"));
        assertEquals(s, Schedule.parse("join:" + s), "the explicit join: prefix");
        assertEquals(Join.of(new CosineAnnealing(0.1, 0.001, 90), 90, new ConstantRate(1e-3)),
                Schedule.parse("cosine:0.1,1E-3,90+1e-3@90"));
    }

    @Test
    void badTextIsRefusedNamingIt() {
        for (String bad : List.of("cosine:0.1,0.001", "join:cosine:0.1,0,5", "cosine:0.1,0,5+step:0.1,0.5,3",
                "multistep:0.1,0.5", "multistep:0.1,0.5,10,5", "onecycle:0.1,100,0.3,25,1e4,2",
                "cosine_restarts:0.1,0,10,0", "warmup:0,0.1,10+cosine:0.1,0,5@0")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schedule.parse(bad), bad);
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), bad);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Schedule.parse("cosine:0.1,0,5+step:0.1,0.5,3"));
        assertTrue(e.getMessage().contains("step:0.1,0.5,3") && e.getMessage().contains("@"), e.getMessage());
    }

    /** One-cycle for α and its momentum cycle for ρ₁ in one Adam; a checkpoint stores both and gives them back. */
    @Test
    void oneCycleWithMomentumCyclingCheckpointsAndResumesExactly() throws Exception {
        Map<String, Schedule> hp = new LinkedHashMap<>();
        hp.put("lr", Schedule.parse("onecycle:0.05,40"));
        hp.put("beta1", Schedule.parse("onecycle_momentum:0.85,0.95,40"));
        UpdateRule adam = Rules.create("adam", hp);
        Optimizer a = Optimizer.create(adam, SCALAR, 3);
        float[] theta = {1, -2, 0.5f};
        for (int t = 0; t < 15; t++) {
            a.step(theta, new float[] {theta[0], 2 * theta[1], 0.1f * t});
        }
        Path file = dir.resolve("c.ckpt");
        Checkpoint.capture(a, FloatArrayBufferOf(theta)).write(file);
        Checkpoint cp = Checkpoint.read(file);
        assertEquals(adam.hyperParameters(), cp.rule().hyperParameters());
        Optimizer b = Optimizer.create(cp.rule(), SCALAR, 3);
        float[] resumed = cp.parameters().toFloatArray();
        cp.restore(b, org.optim4j.spi.FloatArrayBuffer.wrap(resumed));
        for (int t = 15; t < 40; t++) {
            a.step(theta, new float[] {theta[0], 2 * theta[1], 0.1f * t});
            b.step(resumed, new float[] {resumed[0], 2 * resumed[1], 0.1f * t});
        }
        assertArrayEquals(theta, resumed);
    }

    /** The plateau schedule's state goes into the checkpoint: the resumed run reduces when the original would. */
    @Test
    void plateauStateGoesIntoTheCheckpoint() throws Exception {
        ReduceOnPlateau plateau = new ReduceOnPlateau(0.1, 0.5, 1, 0, 0, 0, false, true, 1e-8);
        Optimizer a = Optimizer.create(new Sgd(plateau), SCALAR, 1);
        float[] theta = {1};
        a.step(theta, new float[] {1});
        plateau.observe(1.0);
        a.step(theta, new float[] {1});
        plateau.observe(1.0); // one bad observation: the next bad one reduces
        Path file = dir.resolve("p.ckpt");
        Checkpoint.capture(a, org.optim4j.spi.FloatArrayBuffer.wrap(theta)).write(file);
        Checkpoint cp = Checkpoint.read(file);
        ReduceOnPlateau restored = ReduceOnPlateau.of(cp.rule().learningRate());
        assertEquals(plateau, restored);
        assertTrue(restored.observe(1.0), "the second bad observation after the restore reduces");
        assertTrue(plateau.observe(1.0));
        assertEquals(0.05, restored.value(2), 0);
        assertEquals(plateau, restored);
    }

    /** A lambda cannot go into a checkpoint, alone or as a part of a join; the message names it. */
    @Test
    void aLambdaIsRefusedAtCheckpointTimeNamingIt() {
        Schedule lambda = t -> 0.1 / (1 + t);
        for (Schedule s : List.of(lambda, Join.of(new LinearWarmup(0, 0.1, 5), 5, lambda))) {
            Optimizer o = Optimizer.create(new Sgd(s), SCALAR, 1);
            o.step(new float[] {1}, new float[] {1});
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.capture(o));
            assertTrue(e.getMessage().contains(Params.LEARNING_RATE.name())
                    && e.getMessage().contains(lambda.getClass().getName())
                    && e.getMessage().contains("cannot be written to a checkpoint"), e.getMessage());
        }
    }

    private static org.optim4j.spi.Buffer FloatArrayBufferOf(float[] a) {
        return org.optim4j.spi.FloatArrayBuffer.wrap(a);
    }
}
