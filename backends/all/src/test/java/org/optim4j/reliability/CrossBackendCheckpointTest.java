package org.optim4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optim4j.Optimizer;
import org.optim4j.RuleCatalog;
import org.optim4j.backend.Backends;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.state.BufferData;
import org.optim4j.checkpoint.Checkpoint;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;

/**
 * A checkpoint written from one backend restores into any other: for every ordered pair of available
 * backends and every rule, the state and parameters read back from the other backend's buffers are bit
 * for bit the ones written, and the restored optimizer steps on as the scalar reference does from the same
 * checkpoint (within the backends' parity tolerance).
 */
class CrossBackendCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void everyBackendRestoresEveryOthersCheckpointExactly() throws Exception {
        int pairs = 0;
        for (Backend from : Backends.available()) {
            for (UpdateRule rule : RuleCatalog.rules()) {
                Optimizer source = Optimizer.create(rule, from, 513);
                Buffer theta = source.newBuffer();
                Trajectories.initialParameters(theta);
                Trajectories.run(source, theta, source.newBuffer(), 5, false);
                Checkpoint written = Checkpoint.capture(source, theta);
                Path file = dir.resolve(from.name() + "-" + rule.id() + ".ckpt");
                written.write(file);
                Checkpoint reference = continued(Checkpoint.read(file), new ScalarBackend());
                for (Backend to : Backends.available()) {
                    if (to.allocate(0).precision() != from.allocate(0).precision()) {
                        continue; // float32 ↔ float64: exact one way, rounded the other (CheckpointFileTest covers it)
                    }
                    Checkpoint read = Checkpoint.read(file);
                    Optimizer target = Optimizer.builder(read.rule()).backend(to).parameterCount(read.parameterCount()).build();
                    Buffer restored = target.newBuffer();
                    read.restore(target, restored);
                    assertEquals(written, Checkpoint.capture(target, restored),
                            rule.id() + ": " + from.name() + " -> " + to.name() + " did not restore exactly");
                    Checkpoint continued = continued(read, to);
                    assertEquals(7, continued.step());
                    String what = rule.id() + ": " + from.name() + " -> " + to.name() + ", 2 steps after the restore, ";
                    assertClose(what + "parameters", reference.parameters(), continued.parameters());
                    for (int b = 0; b < reference.stateNames().size(); b++) {
                        assertClose(what + reference.stateNames().get(b), reference.stateBuffer(b), continued.stateBuffer(b));
                    }
                    pairs++;
                }
            }
        }
        System.out.println("CrossBackendCheckpointTest: " + pairs + " (backend -> backend, rule) restores exact");
    }

    /** {@code cp} restored on {@code backend} and 2 more steps taken there. */
    private static Checkpoint continued(Checkpoint cp, Backend backend) {
        Optimizer opt = Optimizer.builder(cp.rule()).backend(backend).parameterCount(cp.parameterCount()).build();
        Buffer theta = opt.newBuffer();
        cp.restore(opt, theta);
        Trajectories.run(opt, theta, opt.newBuffer(), 2, false);
        return Checkpoint.capture(opt, theta);
    }

    /**
     * The parity tolerance of the backends (BackendParityTest, which justifies it): per element
     * |x − ref| ≤ REL·(|ref| + rms(ref)), REL = 1e-5, against the scalar reference continuing from the same checkpoint.
     */
    private static void assertClose(String what, BufferData expected, BufferData actual) {
        assertEquals(expected.length(), actual.length(), what);
        double sum = 0;
        for (int i = 0; i < expected.length(); i++) {
            sum += expected.get(i) * expected.get(i);
        }
        double rms = expected.length() == 0 ? 0 : Math.sqrt(sum / expected.length());
        for (int i = 0; i < expected.length(); i++) {
            double e = expected.get(i);
            double a = actual.get(i);
            assertTrue(Math.abs(a - e) <= REL * (Math.abs(e) + rms), what + "[" + i + "] = " + a + ", reference " + e);
        }
    }

    private static final double REL = 1e-5;
}
