package org.optim4j.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint file cannot be used: truncated, corrupt (checksum mismatch), of an unknown format
 * version, or not a checkpoint at all. The message names the file and what is wrong. Reading it
 * modified nothing.
 */
public final class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;
    /** The file as text: a {@link Path} is not serialisable, and this exception may cross a process (a Spark task). */
    private final String file;

    CheckpointException(Path file, String problem) {
        super("checkpoint " + file + ": " + problem);
        this.file = String.valueOf(file);
    }

    CheckpointException(Path file, String problem, Throwable cause) {
        super("checkpoint " + file + ": " + problem, cause);
        this.file = String.valueOf(file);
    }

    /** The file that was refused. */
    public Path file() {
        return Path.of(file);
    }
}
