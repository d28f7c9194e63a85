package org.optim4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optim4j.Optimizer;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.rule.Adam;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;
import org.optim4j.spi.FloatArrayBuffer;

/**
 * Files of format version 1 still load: adam-v1.ckpt was written by the optim4j of before the composable core
 * (GenV1.java.txt beside it, run against that build): Adam, linear decay 0.01 → 0.001 over 100 steps, ρ₂ = 0.99,
 * three steps taken. It printed the parameters after a fourth step, which a restore here must reproduce.
 */
class CheckpointV1Test {
    /** θ after the fourth step, as that build's scalar reference computed it (raw float bits). */
    private static final int[] NEXT_STEP_BITS = {1056719507, -1082018444, 1073642500, 1048069096, -1086554754};

    @TempDir
    Path dir;

    @Test
    void aVersion1FileLoadsAndContinuesAsItsWriterWould() throws IOException {
        Path f = dir.resolve("adam-v1.ckpt");
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("/fixtures/checkpoint-v1/adam-v1.ckpt"))) {
            Files.copy(in, f);
        }
        Checkpoint cp = Checkpoint.read(f);
        UpdateRule expected = new Adam(Schedule.linearDecay(0.01, 0.001, 100), 0.9, 0.99, 1e-8);
        assertTrue(UpdateRule.sameDefinition(expected, cp.rule()), cp.rule().toString());
        assertEquals(3, cp.step());
        assertEquals(5, cp.parameterCount());
        assertEquals(java.util.List.of("s", "r"), cp.stateNames());

        Optimizer opt = Optimizer.create(expected, new ScalarBackend(), 5);
        FloatArrayBuffer theta = FloatArrayBuffer.zeros(5);
        cp.restore(opt, theta);
        float[] g = new float[5];
        for (int i = 0; i < 5; i++) {
            g[i] = (float) Math.sin(i + 9);
        }
        opt.step(theta.array(), g);
        int[] bits = new int[5];
        for (int i = 0; i < 5; i++) {
            bits[i] = Float.floatToRawIntBits(theta.array()[i]);
        }
        assertArrayEquals(NEXT_STEP_BITS, bits, "the step after a v1 restore is the one the v1 writer took");

        // Written again, it is a version-2 file holding the same state.
        Path v2 = dir.resolve("again.ckpt");
        cp.write(v2);
        assertEquals(cp, Checkpoint.read(v2));
    }
}
