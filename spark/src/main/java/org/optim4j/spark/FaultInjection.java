package org.optim4j.spark;

import java.io.Serializable;
import org.apache.spark.TaskContext;

/**
 * For tests of fault tolerance: the first attempt of one task at one step throws, as a killed executor task
 * would; Spark's retry (attempt 1) runs normally. Never set outside tests.
 */
record FaultInjection(long step, Stage stage, int partition) implements Serializable {

    /** Where a step's work runs. */
    enum Stage {
        /** A worker computing its partial gradient. */
        GRADIENT,
        /** A shard stepping its slice of the optimizer state (sharded mode). */
        SHARD_STEP
    }

    static void check(FaultInjection f, long step, Stage stage, int partition) {
        if (f != null && f.step == step && f.stage == stage && f.partition == partition) {
            TaskContext context = TaskContext.get();
            if (context != null && context.attemptNumber() == 0) {
                throw new InjectedFailure("injected failure: " + stage + " task of partition " + partition
                        + " at step " + step + ", attempt 0");
            }
        }
    }

    /** The exception an injected failure throws. */
    static final class InjectedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedFailure(String message) {
            super(message);
        }
    }
}
