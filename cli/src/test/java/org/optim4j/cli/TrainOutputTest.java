package org.optim4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What {@code train} prints. */
class TrainOutputTest {

    @Test
    void noWarmUpUnlessAsked() {
        CliRun r = CliRun.run("train", "--epochs", "1", "--hidden", "4", "--no-progress", "--backend", "scalar");
        assertEquals(0, r.exitCode(), r.err());
        assertFalse(r.out().contains("warm-up"), r.out());
        CliRun help = CliRun.run("train", "--help");
        String text = help.out().replaceAll("\\s+", " ");
        String warmup = text.substring(text.indexOf("--warmup-epochs=N "));
        assertTrue(warmup.substring(0, warmup.indexOf(" --", 3)).contains("default 0"), help.out());
        CliRun asked = CliRun.run("train", "--epochs", "1", "--hidden", "4", "--no-progress", "--backend", "scalar",
                "--warmup-epochs", "2");
        assertTrue(asked.out().contains("warm-up: 2"), asked.out());
    }
}
