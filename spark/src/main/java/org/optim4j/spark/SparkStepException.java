package org.optim4j.spark;

/**
 * A training step that Spark could not complete (a task failed more often than Spark retries it, an executor was
 * lost for good, a non-finite gradient). The trainer's parameters, optimizer state and step counter are those
 * from before the step, so the caller may retry it or save a checkpoint.
 */
public final class SparkStepException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SparkStepException(String message, Throwable cause) {
        super(message, cause);
    }

    static SparkStepException of(long step, Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String why = root.getMessage() == null ? root.getClass().getName() : root.getMessage().lines().findFirst().orElse("");
        return new SparkStepException("step " + step + " failed, parameters and optimizer state are those before it: "
                + why, cause);
    }
}
