package org.optim4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code train} prints: no warm-up unless asked, progress bars only on a terminal, numbers readable. */
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

    /** Runs {@code optim4j ARGS} in a new JVM (the progress bar writes to the process's stderr) and returns its stderr. */
    private static String stderrOf(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        return err;
    }

    @Test
    void noProgressBarWhenStderrIsNotATerminal() throws Exception {
        String err = stderrOf(List.of(), "train", "--epochs", "3", "--hidden", "4", "--backend", "scalar");
        assertFalse(err.contains("\r"), "progress frames in a log:\n" + err);
    }

    @Test
    void onATerminalEachBarNamesItsRuleAndLeavesNoBlankLine(@TempDir Path dir) throws Exception {
        String err = stderrOf(List.of("-D" + Progress.TTY_PROPERTY + "=true"), "train", "--compare", "--epochs", "2",
                "--hidden", "4", "--backend", "scalar", "--out", dir.toString());
        assertTrue(err.contains("\r"), "a bar was drawn:\n" + err);
        for (String rule : TrainCommand.RULES) {
            assertTrue(err.contains(rule + " epoch"), "a bar names " + rule + ":\n" + err);
        }
        String[] lines = err.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            assertTrue(lines[i].startsWith("["), "a bar ends its line (a blank line on the terminal): '" + lines[i] + "'");
        }
    }

    @Test
    void hyperParametersPrintAsWritten() {
        CliRun r = CliRun.run("train", "--rule", "adam", "--lr", "1e-4", "--epochs", "1", "--hidden", "4",
                "--no-progress", "--backend", "scalar");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("adam α=0.0001"), r.out());
        assertFalse(r.out().contains("E-"), r.out());
        CliRun momentum = CliRun.run("train", "--rule", "momentum", "--epochs", "1", "--hidden", "4", "--no-progress",
                "--backend", "scalar");
        assertTrue(momentum.out().contains("momentum α=0.05 ρ=0.9"), momentum.out());
    }
}
