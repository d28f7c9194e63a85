package org.optim4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command line in this JVM, as {@code optim4j ARGS} would, and keeps its exit code, output and errors. */
record CliRun(int exitCode, String out, String err) {

    static CliRun run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The errors as a user sees them: one message, no stack trace, no usage text. */
    boolean errIsOneLine() {
        return err.strip().lines().count() == 1;
    }

    boolean errHasStackTrace() {
        return err.contains("\tat ") || err.contains("Exception:") && err.contains("\n\tat");
    }
}
