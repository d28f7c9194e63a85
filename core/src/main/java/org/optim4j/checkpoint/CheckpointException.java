package org.optim4j.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint file cannot be used: truncated, corrupt (checksum mismatch), of an unknown format
 * version, or not a checkpoint at all. The message names the file and what is wrong. Reading it
 * modified nothing.
 */
public final class CheckpointException extends IOException {
    private final Path file;

    CheckpointException(Path file, String problem) {
        super("checkpoint " + file + ": " + problem);
        this.file = file;
    }

    CheckpointException(Path file, String problem, Throwable cause) {
        super("checkpoint " + file + ": " + problem, cause);
        this.file = file;
    }

    /** The file that was refused. */
    public Path file() {
        return file;
    }
}
