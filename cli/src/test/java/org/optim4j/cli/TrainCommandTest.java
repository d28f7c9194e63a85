package org.optim4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optim4j.checkpoint.Checkpoint;
import picocli.CommandLine;

class TrainCommandTest {

    private record Result(int exitCode, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void compareTrainsEveryRuleAndWritesPlotsAndCsv(@TempDir Path dir) throws IOException {
        Result r = run("train", "--compare", "--epochs", "2", "--hidden", "16", "--no-progress", "--backend", "scalar",
                "--out", dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        for (String rule : TrainCommand.RULES) {
            assertTrue(r.out().contains(rule + " α="), "no line for " + rule + " in\n" + r.out());
        }
        for (String png : List.of("compare-loss.png", "compare-accuracy.png")) {
            Path file = dir.resolve(png);
            assertTrue(r.out().contains(file.toAbsolutePath().toString()), "path of " + png + " not printed");
            assertEquals(900, ImageIO.read(file.toFile()).getWidth(), png + " is not a readable 900-wide PNG");
        }
        List<String> csv = Files.readAllLines(dir.resolve("compare.csv"));
        assertEquals(1 + 6 * 2, csv.size());
        assertTrue(csv.get(0).startsWith("rule,learning_rate,epoch,train_loss,test_accuracy"));
        assertTrue(csv.get(1).startsWith("sgd,0.2,1,"), csv.get(1));
    }

    @Test
    void trainsOnAnotherCsvWithAScheduleAndTheOtherNesterovForm(@TempDir Path dir) throws IOException {
        // Two well separated classes in 3 features (values up to 10, so scaling matters).
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            int label = i % 2;
            csv.append(label * 8 + i % 3).append(',').append(i % 5).append(',').append(10 - label * 9).append(',')
                    .append(label).append('\n');
        }
        Path data = dir.resolve("toy.csv");
        Files.writeString(data, csv);
        Result r = run("train", "--data", data.toString(), "--rule", "nesterov", "--nesterov-form", "reparametrised",
                "--schedule", "linear:0.1,0.01,100", "--epochs", "20", "--batch-size", "8", "--hidden", "8",
                "--no-progress", "--backend", "scalar");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("features / 10.0"), r.out());
        assertTrue(r.out().contains("reparametrised form"), r.out());
        assertTrue(r.out().contains("test accuracy 1.0000"), "the toy set should be learnt exactly:\n" + r.out());
    }

    @Test
    void badOptionsAreRefusedNamingTheOptionAndValue(@TempDir Path dir) throws IOException {
        Result both = run("train", "--lr", "0.1", "--schedule", "0.2");
        assertEquals(2, both.exitCode());
        assertTrue(both.err().contains("--lr 0.1") && both.err().contains("--schedule 0.2"), both.err());

        Result rule = run("train", "--rule", "lbfgs");
        assertEquals(2, rule.exitCode());
        assertTrue(rule.err().contains("'lbfgs'"), rule.err());

        Result hidden = run("train", "--hidden", "12,x");
        assertEquals(2, hidden.exitCode(), hidden.err());
        assertTrue(hidden.err().contains("--hidden") && hidden.err().contains("12,x"), hidden.err());

        Result lr = run("train", "--rule", "sgd", "--lr", "-1", "--epochs", "1");
        assertEquals(2, lr.exitCode(), lr.err());
        assertTrue(lr.err().contains("alpha") && lr.err().contains("-1"), lr.err());

        Result compareRule = run("train", "--compare", "--rule", "sgd");
        assertEquals(2, compareRule.exitCode());
        assertTrue(compareRule.err().contains("--rule sgd"), compareRule.err());

        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "1,2,0\n1,2\n");
        Result data = run("train", "--data", bad.toString());
        assertEquals(2, data.exitCode());
        assertTrue(data.err().contains("row 2") && data.err().contains("2 columns, expected 3"), data.err());
    }

    /** "epoch   3  train loss 0.1234  test accuracy 0.9500": no total of epochs, no speed, which differs run to run. */
    private static List<String> epochLines(String out) {
        return out.lines().filter(l -> l.startsWith("epoch"))
                .map(l -> l.substring(0, l.indexOf("accuracy") + 16).replaceFirst("/\\d+", "")).toList();
    }

    @Test
    void resumingACheckpointContinuesExactlyAsAnUninterruptedRun(@TempDir Path dir) throws IOException {
        String[] common = {"train", "--rule", "adam", "--hidden", "16", "--no-progress", "--warmup-epochs", "0",
                "--backend", "scalar", "--seed", "7"};
        String[] resumeCommon = {"train", "--hidden", "16", "--no-progress", "--warmup-epochs", "0",
                "--backend", "scalar", "--seed", "7"};
        Path wholeFile = dir.resolve("whole.ckpt");
        Result whole = run(concat(common, "--epochs", "4", "--checkpoint", wholeFile.toString()));
        assertEquals(0, whole.exitCode(), whole.err());
        Path file = dir.resolve("adam.ckpt");
        Result first = run(concat(common, "--epochs", "2", "--checkpoint", file.toString()));
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(Files.size(file) > 0, "checkpoint written");

        Path resumedFile = dir.resolve("resumed.ckpt");
        Result second = run(concat(resumeCommon, "--epochs", "4", "--resume", file.toString(),
                "--checkpoint", resumedFile.toString()));
        assertEquals(0, second.exitCode(), second.err());
        assertTrue(second.out().contains("resumed from " + file + " after epoch 2"), second.out());
        // Exactly: parameters, optimizer state and step counter after epoch 4, bit for bit.
        Checkpoint uninterrupted = Checkpoint.read(wholeFile);
        Checkpoint resumed = Checkpoint.read(resumedFile);
        assertEquals(uninterrupted.step(), resumed.step());
        assertEquals(uninterrupted, resumed, "after epoch 4, the resumed run differs from the uninterrupted one");
        // And the printed epochs agree (to the 4 decimals printed).
        List<String> expected = epochLines(whole.out());
        assertEquals(4, expected.size(), whole.out());
        assertEquals(expected.subList(0, 2), epochLines(first.out()));
        assertEquals(expected.subList(2, 4), epochLines(second.out()), "epochs 3 and 4 after the resume");

        // --rule with --resume is refused: the rule comes from the checkpoint.
        Result withRule = run(concat(common, "--epochs", "4", "--resume", file.toString()));
        assertEquals(2, withRule.exitCode(), withRule.err());
        assertTrue(withRule.err().contains("--resume takes the rule from the checkpoint"), withRule.err());

        // A damaged checkpoint is refused, naming the file and what is wrong with it.
        byte[] good = Files.readAllBytes(file);
        Path flipped = dir.resolve("flipped.ckpt");
        byte[] bad = good.clone();
        bad[good.length / 2] ^= 0x40;
        Files.write(flipped, bad);
        Result corrupt = run(concat(resumeCommon, "--epochs", "4", "--resume", flipped.toString()));
        assertEquals(2, corrupt.exitCode(), corrupt.err());
        assertTrue(corrupt.err().contains("--resume " + flipped) && corrupt.err().contains("corrupt: CRC32C"),
                corrupt.err());
        Files.write(file, new byte[] {1, 2, 3});
        Result truncated = run("train", "--epochs", "4", "--hidden", "16", "--resume", file.toString());
        assertEquals(2, truncated.exitCode(), truncated.err());
        assertTrue(truncated.err().contains("--resume " + file) && truncated.err().contains("not a checkpoint"),
                truncated.err());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
