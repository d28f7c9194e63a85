package org.optim4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optim4j.Optimizer;
import org.optim4j.RuleCatalog;
import org.optim4j.backend.Backends;
import org.optim4j.checkpoint.Checkpoint;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;

/**
 * A checkpoint written from one backend restores into any other: for every ordered pair of available
 * backends and every rule, the state and parameters read back from the other backend's buffers are bit
 * for bit the ones written, and the restored optimizer steps on.
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
                    Trajectories.run(target, restored, target.newBuffer(), 2, false);
                    assertEquals(7, target.state().step());
                    for (int i = 0; i < restored.length(); i++) {
                        assertTrue(Double.isFinite(restored.get(i)));
                    }
                    pairs++;
                }
            }
        }
        System.out.println("CrossBackendCheckpointTest: " + pairs + " (backend -> backend, rule) restores exact");
    }
}
