package org.optim4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ordinary mistakes end in one line that names the option and the value, exit code 2 and no stack
 * trace ({@code --debug} shows it); output paths are checked before any training.
 */
class UserErrorTest {

    @Test
    void aDivergingRunNamesTheRuleTheStepAndTheTensorAndSuggestsSkipping() {
        CliRun r = CliRun.run("train", "--rule", "momentum", "--lr", "1e4", "--epochs", "1", "--no-progress",
                "--backend", "scalar");
        UsageErrorTest.assertUserError(r, "momentum", "step", "--non-finite skip", "--lr");
        assertTrue(r.err().matches("(?s).*\\b[Wb][0-9]+\\[[0-9]+].*"), "a tensor of the network, e.g. W2[17]:\n" + r.err());
        CliRun skip = CliRun.run("train", "--rule", "momentum", "--lr", "1e4", "--epochs", "1", "--no-progress",
                "--backend", "scalar", "--non-finite", "skip");
        assertEquals(0, skip.exitCode(), skip.err());
        assertTrue(skip.out().contains("skipped"), skip.out());
    }

    @Test
    void aDataFileOfOneRowIsRefused(@TempDir Path dir) throws IOException {
        Path one = dir.resolve("one.csv");
        Files.writeString(one, "1,2,0\n");
        UsageErrorTest.assertUserError(CliRun.run("train", "--data", one.toString(), "--epochs", "1"), "--data " + one, "1 row");
    }

    @Test
    void labelsThatLeaveClassesEmptyAreRefusedUnlessClassesSaysSo(@TempDir Path dir) throws IOException {
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            csv.append(i % 3).append(',').append(i % 5).append(',').append(i % 4 == 3 ? "99" : i % 3 + ".0").append('\n');
        }
        Path data = dir.resolve("gaps.csv");
        Files.writeString(data, csv);
        UsageErrorTest.assertUserError(CliRun.run("train", "--data", data.toString(), "--epochs", "1", "--no-progress"),
                "--data " + data, "0, 1, 2, 99", "--classes 100");
        CliRun given = CliRun.run("train", "--data", data.toString(), "--classes", "100", "--epochs", "1", "--hidden", "4",
                "--no-progress", "--backend", "scalar");
        assertEquals(0, given.exitCode(), given.err());
        assertTrue(given.out().contains("-4-100 "), given.out());
        UsageErrorTest.assertUserError(CliRun.run("train", "--data", data.toString(), "--classes", "50", "--epochs", "1"),
                "--classes 50", "'99'");
        UsageErrorTest.assertUserError(CliRun.run("train", "--classes", "5", "--epochs", "1"), "--classes 5", "9");
    }

    @Test
    void aNetworkBeyondTheIndexLimitIsRefusedBeforeAnyAllocation() {
        UsageErrorTest.assertUserError(CliRun.run("train", "--hidden", "100000,100000", "--epochs", "1"), "--hidden 100000,100000",
                "parameters", "2,147,483,639");
    }

    @Test
    void aNetworkBeyondTheHeapIsRefusedBeforeAnyAllocation() {
        int n = (int) Math.sqrt(Runtime.getRuntime().maxMemory() / 4.0) + 1;
        CliRun r = CliRun.run("train", "--hidden", n + "," + n, "--epochs", "1", "--no-progress");
        UsageErrorTest.assertUserError(r, "--hidden " + n + "," + n, "heap", "-Xmx");
    }

    @Test
    void aBatchBeyondTheHeapIsRefusedNamingTheBatchSize() {
        UsageErrorTest.assertUserError(CliRun.run("train", "--batch-size", "2000000000", "--epochs", "1"),
                "--batch-size 2000000000", "heap");
    }

    @Test
    void outputPathsAreCheckedBeforeTraining(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        CliRun out = CliRun.run("train", "--epochs", "1", "--hidden", "4", "--no-progress", "--out", file.resolve("sub").toString());
        UsageErrorTest.assertUserError(out, "--out " + file.resolve("sub"));
        assertFalse(out.out().contains("epoch"), "refused before training:\n" + out.out());
        CliRun outFile = CliRun.run("train", "--compare", "--epochs", "1", "--out", file.toString());
        UsageErrorTest.assertUserError(outFile, "--out " + file, "not a directory");
        CliRun checkpoint = CliRun.run("train", "--epochs", "1", "--hidden", "4", "--no-progress", "--checkpoint",
                file.resolve("x.ckpt").toString());
        UsageErrorTest.assertUserError(checkpoint, "--checkpoint " + file.resolve("x.ckpt"));
        assertFalse(checkpoint.out().contains("epoch"), "refused before training:\n" + checkpoint.out());
    }

    @Test
    void otherCommandsRefuseBadNamesAndPathsTheSameWay(@TempDir Path dir) throws IOException {
        UsageErrorTest.assertUserError(CliRun.run("functions", "--backend", "foo", "--steps", "10"), "--backend", "'foo'");
        Path missing = dir.resolve("missing.json");
        UsageErrorTest.assertUserError(CliRun.run("bench", "--from", missing.toString()), "--from " + missing);
        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        long start = System.nanoTime();
        UsageErrorTest.assertUserError(CliRun.run("bench", "--quick", "--results", file.resolve("r.json").toString()), "--results");
        UsageErrorTest.assertUserError(CliRun.run("bench", "--quick", "--results", dir.resolve("r.json").toString(), "--profile",
                file.resolve("p.properties").toString()), "--profile");
        assertTrue(System.nanoTime() - start < 5e9, "refused before measuring");
    }

}
