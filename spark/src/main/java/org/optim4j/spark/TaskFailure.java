package org.optim4j.spark;

import java.util.concurrent.Callable;

/**
 * An exception thrown inside a Spark task, made safe to send back to the driver. Spark serialises a task's
 * exception; one with a field that is not serialisable (CheckpointException's Path, say) makes the executor fail
 * while reporting it and the job hangs. This one carries only the original's class name, message and stack.
 */
final class TaskFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private TaskFailure(Throwable original) {
        super(original.getClass().getSimpleName() + ": " + original.getMessage());
        setStackTrace(original.getStackTrace());
    }

    /** Runs {@code body}, turning any exception into a {@link TaskFailure}. */
    static <T> T portable(Callable<T> body) {
        try {
            return body.call();
        } catch (TaskFailure | FaultInjection.InjectedFailure e) {
            throw e;
        } catch (Exception e) {
            throw new TaskFailure(e);
        }
    }
}
