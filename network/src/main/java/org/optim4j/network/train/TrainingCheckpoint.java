package org.optim4j.network.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.optim4j.Optimizer;
import org.optim4j.checkpoint.Checkpoint;
import org.optim4j.internal.Check;
import org.optim4j.spi.Buffer;

/**
 * Checkpoints of a training run that can be resumed exactly: the optimizer's state and θ, plus what makes the
 * run the same run (a description of it: seed, data source, network layout, batch size, … as the caller names
 * them), which a resume compares before it restores anything. The {@link Trainer} draws the shuffle of epoch e
 * from (seed, e), so θ, the optimizer state and the number of epochs done are all a resume needs.
 *
 * <pre>{@code
 * Map<String, String> run = Map.of("seed", "42", "data", "digits", "network", "64-128-64-10 relu", "batch", "32");
 * TrainingCheckpoint.save(file, optimizer, theta, run);                        // after an epoch
 * int done = TrainingCheckpoint.resume(Checkpoint.read(file), optimizer, theta, batchesPerEpoch, run, false);
 * trainer.run(done, epochs, listener);                                           // as if never interrupted
 * }</pre>
 */
public final class TrainingCheckpoint {
    /** The prefix of the checkpoint metadata keys this class writes. */
    public static final String PREFIX = "train.";

    private TrainingCheckpoint() {
    }

    /** Writes optimizer state, θ and the run's description to {@code file}, atomically. */
    public static void save(Path file, Optimizer optimizer, Buffer theta, Map<String, String> run) throws IOException {
        Checkpoint.capture(optimizer, Check.notNull("theta", theta), prefixed(run)).write(file);
    }

    /**
     * Checks that {@code checkpoint} is of this run and at an epoch boundary, restores θ and the optimizer state,
     * and returns the number of epochs it holds.
     *
     * @param keepOptimizerHyperParameters resume with {@code optimizer}'s hyper-parameters where they differ from
     *                                     the checkpoint's (a new learning rate, say; the change is logged)
     * @throws IllegalArgumentException naming the first difference (a run description value, with both values;
     *                                  steps that are not whole epochs; the optimizer's layout or rule); nothing is
     *                                  modified then
     */
    public static int resume(Checkpoint checkpoint, Optimizer optimizer, Buffer theta, int batchesPerEpoch,
                             Map<String, String> run, boolean keepOptimizerHyperParameters) {
        Check.notNull("checkpoint", checkpoint);
        if (batchesPerEpoch < 1) {
            throw new IllegalArgumentException("batchesPerEpoch must be >= 1, got " + batchesPerEpoch);
        }
        Map<String, String> saved = checkpoint.metadata();
        for (Map.Entry<String, String> e : run.entrySet()) {
            String was = saved.get(PREFIX + e.getKey());
            if (was != null && !was.equals(e.getValue())) {
                throw new IllegalArgumentException("the checkpoint is of a run with " + e.getKey() + " " + was
                        + ", this run has " + e.getKey() + " " + e.getValue() + "; resume with the same " + e.getKey());
            }
        }
        long steps = checkpoint.step() + checkpoint.skippedSteps();
        if (steps % batchesPerEpoch != 0) {
            throw new IllegalArgumentException("the checkpoint holds " + steps + " steps, not a whole number of epochs of "
                    + batchesPerEpoch + " batches (another batch size or data?)");
        }
        checkpoint.restore(optimizer, theta, keepOptimizerHyperParameters);
        return Math.toIntExact(steps / batchesPerEpoch);
    }

    private static Map<String, String> prefixed(Map<String, String> run) {
        Map<String, String> m = new LinkedHashMap<>();
        run.forEach((k, v) -> m.put(PREFIX + k, v));
        return m;
    }
}
