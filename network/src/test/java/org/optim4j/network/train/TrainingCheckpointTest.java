package org.optim4j.network.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optim4j.Optimizer;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.checkpoint.Checkpoint;
import org.optim4j.rule.Adam;
import org.optim4j.spi.FloatArrayBuffer;

/** A resume restores only a checkpoint of the same run, at an epoch boundary, and changes nothing otherwise. */
class TrainingCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void aCheckpointOfAnotherRunIsRefusedNamingBothValues() throws Exception {
        ScalarBackend scalar = new ScalarBackend();
        Optimizer opt = Optimizer.create(Adam.of(0.01), scalar, 4);
        float[] theta = {1, 2, 3, 4};
        for (int i = 0; i < 6; i++) {
            opt.step(theta, new float[] {0.1f, -0.2f, 0.3f, -0.4f});
        }
        Path file = dir.resolve("run.ckpt");
        Map<String, String> run = Map.of("seed", "42", "data", "digits");
        TrainingCheckpoint.save(file, opt, FloatArrayBuffer.wrap(theta), run);
        Checkpoint cp = Checkpoint.read(file);
        assertEquals("42", cp.metadata().get("train.seed"));

        Optimizer fresh = Optimizer.create(Adam.of(0.01), scalar, 4);
        FloatArrayBuffer restored = FloatArrayBuffer.zeros(4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingCheckpoint.resume(cp,
                fresh, restored, 3, Map.of("seed", "7", "data", "digits"), false));
        assertTrue(e.getMessage().contains("seed 42") && e.getMessage().contains("seed 7"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainingCheckpoint.resume(cp, fresh, restored, 4, run, false));
        assertTrue(e.getMessage().contains("6 steps") && e.getMessage().contains("4 batches"), e.getMessage());
        assertEquals(0, fresh.state().step(), "nothing restored by a refused resume");
        assertArrayEquals(new float[4], restored.array());

        assertEquals(2, TrainingCheckpoint.resume(cp, fresh, restored, 3, run, false));
        assertArrayEquals(theta, restored.array());
        assertEquals(6, fresh.state().step());
    }
}
