package org.optim4j.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Checks, before any work starts, that the files a command will write can be written: a run must not
 * fail on its output only after minutes of training or measuring.
 */
final class OutputPaths {
    private OutputPaths() {
    }

    /** Creates directory {@code dir} if needed and writes and deletes a file in it; refuses naming {@code option}. */
    static void checkDirectory(CommandLine cl, String option, Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new Main.UserError(cl, option + " " + dir + ": is a file, not a directory");
        }
        probe(cl, option, dir, dir);
    }

    /** Creates the directory of {@code file} if needed and checks that a file can be written there. */
    static void checkFile(CommandLine cl, String option, Path file) {
        if (Files.isDirectory(file)) {
            throw new Main.UserError(cl, option + " " + file + ": is a directory, not a file");
        }
        Path parent = file.toAbsolutePath().getParent();
        probe(cl, option, file, parent);
    }

    /** Checks that {@code file} is a readable file. */
    static void checkReadable(CommandLine cl, String option, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new Main.UserError(cl, option + " " + file + ": " + (Files.exists(file) ? "is not a file"
                    : "no such file"));
        }
        if (!Files.isReadable(file)) {
            throw new Main.UserError(cl, option + " " + file + ": cannot be read (permission denied)");
        }
    }

    private static void probe(CommandLine cl, String option, Path given, Path dir) {
        try {
            Files.createDirectories(dir);
            Files.delete(Files.createTempFile(dir, ".optim4j-", ".probe"));
        } catch (IOException | SecurityException e) {
            throw new Main.UserError(cl, option + " " + given + ": cannot write there (" + reason(e) + ")");
        }
    }

    /** What went wrong, in words ({@code NoSuchFileException: /proc/nope} says less than it seems). */
    static String reason(Exception e) {
        if (e instanceof FileSystemException f) {
            String file = f.getFile();
            if (f.getReason() != null && !f.getReason().isBlank()) {
                return (file == null ? "" : file + ": ") + f.getReason().trim();
            }
            String what = e instanceof NoSuchFileException ? "no such file or directory"
                    : e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof FileAlreadyExistsException ? "exists and is not a directory"
                    : e instanceof NotDirectoryException ? "is not a directory"
                    : e.getClass().getSimpleName();
            return (file == null ? "" : file + ": ") + what;
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
