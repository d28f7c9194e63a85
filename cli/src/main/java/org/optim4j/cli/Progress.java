package org.optim4j.cli;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress bars on stderr, drawn only when stderr is a terminal: redrawn frames ({@code \r}) in a log
 * file or a CI transcript are noise.
 *
 * <p>Whether stderr is a terminal: the system property {@value #TTY_PROPERTY} when set (the
 * {@code optim4j} launcher sets it from {@code [ -t 2 ]}), otherwise {@code System.console() != null}
 * (the JVM's test: standard input and output are a terminal).
 */
final class Progress {
    static final String TTY_PROPERTY = "optim4j.stderr.tty";

    private Progress() {
    }

    static boolean stderrIsTerminal() {
        String declared = System.getProperty(TTY_PROPERTY);
        return declared != null ? Boolean.parseBoolean(declared) : System.console() != null;
    }

    /**
     * A bar named {@code task} up to {@code max} on stderr, or one that draws nothing when stderr is not a
     * terminal. With {@code clearOnClose} it leaves no trace, not even a line break, when closed.
     */
    static ProgressBar bar(String task, long max, boolean clearOnClose) {
        ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName(task).setInitialMax(max)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(clearOnClose ? 100 : 250);
        if (!stderrIsTerminal()) {
            builder.setConsumer(new Silent());
        } else if (clearOnClose) {
            builder.setConsumer(new Clearing(System.err)).clearDisplayOnFinish();
        } else {
            builder.setConsumer(new ConsoleProgressBarConsumer(System.err));
        }
        return builder.build();
    }

    /**
     * Draws each frame over the last ({@code \r}); when closed, clears the line and returns to its start.
     * The library redraws from a timer thread, which may draw a last frame as the bar closes: frames after
     * {@link #close()} are dropped, and close clears whatever was drawn before it.
     */
    private static final class Clearing extends ConsoleProgressBarConsumer {
        private final PrintStream stream;
        private boolean closed;

        Clearing(PrintStream stream) {
            super(stream);
            this.stream = stream;
        }

        @Override
        public synchronized void accept(String frame) {
            if (!closed) {
                super.accept(frame);
            }
        }

        @Override
        public synchronized void close() {
            // The library's console consumer ends with a line break, which leaves a blank line after the
            // cleared bar; the line that follows the bar goes where the bar was instead.
            if (!closed) {
                closed = true;
                stream.print("\r" + " ".repeat(getMaxRenderedLength()) + "\r");
                stream.flush();
            }
        }
    }

    /** Draws nothing. */
    private static final class Silent implements ProgressBarConsumer {
        @Override
        public int getMaxRenderedLength() {
            return 80;
        }

        @Override
        public void accept(String frame) {
        }

        @Override
        public void clear() {
        }

        @Override
        public void close() {
        }
    }
}
