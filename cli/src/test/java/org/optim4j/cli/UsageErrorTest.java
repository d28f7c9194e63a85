package org.optim4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** A usage error prints its message and where the help is, not the whole usage; --debug adds the stack trace. */
class UsageErrorTest {

    static void assertUserError(CliRun r, String... expected) {
        assertEquals(2, r.exitCode(), r.err());
        assertFalse(r.errHasStackTrace(), r.err());
        assertTrue(r.errIsOneLine(), "one line:\n" + r.err());
        for (String e : expected) {
            assertTrue(r.err().contains(e), "'" + e + "' in\n" + r.err());
        }
    }

    @Test
    void aUsageErrorPrintsTheMessageAndPointsToHelpInsteadOfTheWholeUsage() {
        CliRun r = CliRun.run("train", "--epochs", "x");
        assertUserError(r, "--epochs", "'x'", "optim4j train --help");
        assertFalse(r.err().contains("Usage:"), r.err());
        CliRun unknown = CliRun.run("train", "--bogus");
        assertUserError(unknown, "--bogus", "optim4j train --help");
        CliRun command = CliRun.run("trian");
        assertEquals(2, command.exitCode());
        assertTrue(command.err().contains("'trian'") && command.err().contains("train"), command.err());
        assertFalse(command.err().contains("Usage:"), command.err());
        CliRun help = CliRun.run("help", "nosuch");
        UsageErrorTest.assertUserError(help, "'nosuch'", "see 'optim4j --help'");
        assertFalse(help.err().contains(".;"), help.err());
    }

    @Test
    void debugShowsTheStackTrace() {
        CliRun r = CliRun.run("train", "--debug", "--hidden", "12,x");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--hidden") && r.err().contains("\tat "), r.err());
    }

    @Test
    void anUnexpectedFailureIsOneLineThatPointsToDebug() {
        StringWriter err = new StringWriter();
        int code = Main.reportFailure(new IllegalStateException("broken invariant"), new PrintWriter(err, true),
                false);
        assertEquals(1, code);
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().contains("broken invariant") && err.toString().contains("--debug"), err.toString());
    }
}
