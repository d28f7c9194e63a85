package org.optim4j.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file atomically and durably: the content goes to a temporary file in the target's directory, is
 * forced to the device, renamed over the target, and the directory is forced. After a crash at any moment the
 * target holds either its previous content or the new one, never a mix; a crash may leave a
 * {@code <name>.<random>.tmp} file behind, which may be deleted. Used by checkpoints and backend profiles.
 */
public final class AtomicFile {
    private AtomicFile() {
    }

    /** Writes the content into the open temporary file's channel. */
    @FunctionalInterface
    public interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    /** Replaces {@code file} with what {@code content} writes. */
    public static void write(Path file, Content content) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = Files.createTempFile(dir, target.getFileName().toString() + ".", ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                content.writeTo(ch);
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + target + " atomically on this file system", e);
            }
            moved = true;
            forceDirectory(dir);
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Replaces {@code file} with {@code bytes}. */
    public static void write(Path file, byte[] bytes) throws IOException {
        write(file, ch -> {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        });
    }

    /** Makes the rename durable; some platforms cannot open a directory, where the rename is all we can do. */
    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Not supported on this platform (e.g. Windows): the atomic rename still guarantees old-or-new.
        }
    }
}
