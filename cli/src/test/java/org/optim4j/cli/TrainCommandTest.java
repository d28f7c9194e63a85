package org.optim4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optim4j.rule.Nesterov;
import org.optim4j.rule.RmsProp;
import org.optim4j.rule.RuleType;
import org.optim4j.rule.Rules;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.Param;
import org.optim4j.checkpoint.Checkpoint;
import picocli.CommandLine;

class TrainCommandTest {

    private record Result(int exitCode, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
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

    /** --rules picks the rules --compare trains (and implies it); bad lists are refused naming the rule. */
    @Test
    void compareTakesAListOfRules(@TempDir Path dir) throws IOException {
        Result r = run("train", "--rules", "adam,lamb,adamw_schedulefree,lion", "--epochs", "2", "--hidden", "16",
                "--no-progress", "--backend", "scalar", "--out", dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        for (String rule : List.of("adam", "lamb", "adamw_schedulefree", "lion")) {
            assertTrue(r.out().contains(rule + " α="), "no line for " + rule + " in\n" + r.out());
        }
        assertTrue(!r.out().contains("sgd α="), r.out());
        for (String png : List.of("compare-loss.png", "compare-accuracy.png")) {
            assertEquals(900, ImageIO.read(dir.resolve(png).toFile()).getWidth(), png);
        }
        List<String> csv = Files.readAllLines(dir.resolve("compare.csv"));
        assertEquals(1 + 4 * 2, csv.size());
        assertTrue(csv.get(3).startsWith("lamb,0.001,1,"), csv.get(3));
        assertTrue(csv.get(5).startsWith("adamw_schedulefree,0.0025,1,"), csv.get(5));
        Result unknown = run("train", "--rules", "adam,lamb2");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("--rules: unknown rule 'lamb2'"), unknown.err());
        Result twice = run("train", "--rules", "adam,adam");
        assertEquals(2, twice.exitCode());
        assertTrue(twice.err().contains("'adam' twice"), twice.err());
        assertTrue(run("train", "--help").out().contains("--rules"));
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
        assertTrue(r.out().contains("features / 10 "), r.out());
        assertTrue(r.out().contains("reparametrised form"), r.out());
        assertTrue(r.out().contains("test accuracy 1.000 "), "the toy set should be learnt exactly:\n" + r.out());
    }

    @Test
    void theCsvOfARunWithAScheduleHasOneFieldPerColumn(@TempDir Path dir) throws IOException {
        Result r = run("train", "--rule", "sgd", "--schedule", "linear:0.2,0.01,1000", "--epochs", "2", "--hidden", "8",
                "--no-progress", "--backend", "scalar", "--out", dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
        try (CSVParser csv = CSVParser.parse(dir.resolve("train-sgd.csv"), StandardCharsets.UTF_8, format)) {
            List<String> header = csv.getHeaderNames();
            assertEquals(List.of("rule", "learning_rate", "epoch", "train_loss", "test_accuracy", "samples_per_second",
                    "seconds", "cpu_seconds"), header);
            List<CSVRecord> records = csv.getRecords();
            assertEquals(2, records.size());
            for (CSVRecord record : records) {
                assertEquals(header.size(), record.size(), record.toString());
                assertEquals("sgd", record.get("rule"));
                assertEquals("linear:0.2,0.01,1000", record.get("learning_rate"));
                Double.parseDouble(record.get("train_loss"));
            }
            assertEquals("2", records.get(1).get("epoch"));
        }
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

        // Another seed is another split: refused, naming both values (it used to resume silently).
        Result otherSeed = run("train", "--hidden", "16", "--no-progress", "--backend", "scalar", "--seed", "8",
                "--epochs", "4", "--resume", file.toString());
        assertEquals(2, otherSeed.exitCode(), otherSeed.err());
        assertTrue(otherSeed.err().contains("--seed 7") && otherSeed.err().contains("--seed 8"), otherSeed.err());
        // A new learning rate on resume is taken on purpose (the optimizer keeps its hyper-parameters).
        Result lower = run("train", "--hidden", "16", "--no-progress", "--backend", "scalar", "--seed", "7",
                "--epochs", "3", "--lr", "1e-4", "--resume", file.toString());
        assertEquals(0, lower.exitCode(), lower.err());
        assertTrue(lower.out().contains("α=0.0001"), lower.out());

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

    /**
     * --state stores the optimizer state compressed; a checkpoint keeps it so, and a resume continues exactly (int8:
     * over the network's tensors, with every tensor of this small network in float32 by default and W1, W2 (1024,
     * 160 elements) quantized with --int8-min-size 100, which the resumed run takes from the checkpoint).
     */
    @Test
    void compressedStateTrainsCheckpointsAndResumesExactly(@TempDir Path dir) throws IOException {
        for (String variant : new String[] {"bf16", "int8", "int8:100"}) {
            String format = variant.split(":")[0];
            String[] common = {"train", "--rule", "adam", "--hidden", "16", "--no-progress", "--warmup-epochs", "0",
                    "--backend", "simd", "--seed", "7", "--state", format};
            if (variant.contains(":")) {
                common = concat(common, "--int8-min-size", variant.split(":")[1]);
            }
            Path wholeFile = dir.resolve(variant.replace(':', '-') + "-whole.ckpt");
            Result whole = run(concat(common, "--epochs", "3", "--checkpoint", wholeFile.toString()));
            assertEquals(0, whole.exitCode(), whole.err());
            Path file = dir.resolve(variant.replace(':', '-') + ".ckpt");
            assertEquals(0, run(concat(common, "--epochs", "1", "--checkpoint", file.toString())).exitCode());
            Path resumedFile = dir.resolve(variant.replace(':', '-') + "-resumed.ckpt");
            Result second = run("train", "--hidden", "16", "--no-progress", "--warmup-epochs", "0", "--backend", "simd",
                    "--seed", "7", "--epochs", "3", "--resume", file.toString(), "--checkpoint", resumedFile.toString());
            assertEquals(0, second.exitCode(), second.err());
            Checkpoint resumed = Checkpoint.read(resumedFile);
            assertEquals(Checkpoint.read(wholeFile), resumed, format + ": the resumed run is the uninterrupted one");
            assertEquals(format, resumed.snapshot().state("s").format().id(), "state stays " + format);
            if (format.equals("int8")) {
                assertEquals("W1", resumed.snapshot().tensors().get(0).name(), "int8 state over the network's tensors");
                org.optim4j.quant.Int8BlockBuffer r = (org.optim4j.quant.Int8BlockBuffer) resumed.snapshot()
                        .state("r").compressedUnsafe();
                int quantized = r.length() - r.blockPlan().float32Elements();
                assertEquals(variant.contains(":") ? 1024 + 160 : 0, quantized, variant + ": W1 and W2 quantized");
            }
        }
        Result differs = run("train", "--hidden", "16", "--no-progress", "--warmup-epochs", "0", "--backend", "simd",
                "--seed", "7", "--epochs", "3", "--int8-min-size", "0", "--resume",
                dir.resolve("int8-100.ckpt").toString());
        assertEquals(2, differs.exitCode(), differs.err());
        assertTrue(differs.err().contains("--int8-min-size 100, this run has --int8-min-size 0"), differs.err());
        Result negative = run("train", "--state", "int8", "--int8-min-size", "-1", "--epochs", "1");
        assertEquals(2, negative.exitCode(), negative.err());
        assertTrue(negative.err().contains("--int8-min-size must be >= 0, got -1"), negative.err());
        Result bad = run("train", "--state", "fp8", "--epochs", "1");
        assertEquals(2, bad.exitCode(), bad.err());
        assertTrue(bad.err().contains("--state") && bad.err().contains("'fp8'"), bad.err());
    }

    /**
     * A plateau schedule is fed each epoch's training loss; its state goes into the checkpoint, so a resumed run
     * reduces the rate exactly when the uninterrupted one does. A join of warm-up and cosine is taken as is.
     */
    @Test
    void plateauScheduleResumesWithItsStateAndAJoinIsAccepted(@TempDir Path dir) throws IOException {
        String[] common = {"train", "--rule", "sgd", "--hidden", "8", "--no-progress", "--warmup-epochs", "0",
                "--backend", "scalar", "--seed", "3"};
        String plateau = "plateau:0.2,0.5,0,0.5";
        Result whole = run(concat(common, "--epochs", "4", "--schedule", plateau));
        assertEquals(0, whole.exitCode(), whole.err());
        assertTrue(whole.out().contains("(plateau: learning rate reduced to"), whole.out());
        Path file = dir.resolve("p.ckpt");
        Result first = run(concat(common, "--epochs", "2", "--schedule", plateau, "--checkpoint", file.toString()));
        assertEquals(0, first.exitCode(), first.err());
        Result second = run("train", "--hidden", "8", "--no-progress", "--warmup-epochs", "0", "--backend", "scalar",
                "--seed", "3", "--epochs", "4", "--resume", file.toString());
        assertEquals(0, second.exitCode(), second.err());
        List<String> expected = epochLines(whole.out());
        assertEquals(expected.subList(0, 2), epochLines(first.out()));
        assertEquals(expected.subList(2, 4), epochLines(second.out()), "epochs 3 and 4 after the resume");

        Result joined = run(concat(common, "--epochs", "1", "--schedule", "warmup:0.01,0.2,20+cosine:0.2,0.001,200@20"));
        assertEquals(0, joined.exitCode(), joined.err());
        Result bad = run(concat(common, "--epochs", "1", "--schedule", "warmup:0.01,0.2,20+cosine:0.2,0.001,200"));
        assertEquals(2, bad.exitCode(), bad.err());
        assertTrue(bad.err().contains("schedule@step"), bad.err());
    }

    @Test
    void helpListsEveryRegisteredRuleWithItsHyperParametersAndDefaults() {
        Result help = run("train", "--help");
        assertEquals(0, help.exitCode(), help.err());
        for (RuleType type : Rules.types()) {
            assertTrue(help.out().lines().anyMatch(l -> l.startsWith("  " + type.id() + " ")),
                    "no line for " + type.id() + " in\n" + help.out());
            for (Param p : type.params()) {
                assertTrue(help.out().contains(p.name() + "="), p.name() + " of " + type.id() + " not listed");
                for (String alias : p.aliases()) {
                    assertTrue(help.out().contains(alias), "alias " + alias + " of " + p.name() + " not listed");
                }
            }
        }
        assertTrue(help.out().contains("learning_rate=" + TrainCommand.LR_SGD), "sgd's default is the sweep's");
    }

    @Test
    void everyRegisteredRuleIsBuiltAndHyperParametersComeFromHpOrTheShorthands() {
        for (String id : Rules.ids()) {
            assertEquals(id, new TrainCommand().ruleFor(id).id());
        }
        TrainCommand hp = new TrainCommand();
        hp.hp = "rho2=0.95,eps=1e-7";
        assertEquals(new RmsProp(Schedule.constant(TrainCommand.LR_RMSPROP), 0.95, 1e-7), hp.ruleFor("rmsprop"));

        TrainCommand alias = new TrainCommand();
        alias.hp = "momentum=0.8";
        TrainCommand shorthand = new TrainCommand();
        shorthand.rho = 0.8;
        shorthand.lr = 0.01;
        UpdateRule expected = new Nesterov(Schedule.constant(0.01), 0.8);
        assertEquals(expected, shorthand.ruleFor("nesterov"));
        assertEquals(expected.withLearningRate(Schedule.constant(TrainCommand.LR_NESTEROV)), alias.ruleFor("nesterov"));
        // A shorthand applies to the rules that have its parameter only (so it can apply across --compare).
        TrainCommand rhoOnly = new TrainCommand();
        rhoOnly.rho = 0.8;
        assertEquals(new TrainCommand().ruleFor("adam"), rhoOnly.ruleFor("adam"));
    }

    @Test
    void badHyperParametersAreRefusedInOneLineNamingTheParameter() {
        Result unknown = run("train", "--rule", "adam", "--hp", "rho=0.5");
        assertEquals(2, unknown.exitCode());
        String first = unknown.err().lines().findFirst().orElseThrow();
        assertTrue(first.contains("--hp") && first.contains("'rho'") && first.contains("rho1"), unknown.err());

        Result range = run("train", "--rule", "adam", "--hp", "beta2=1.5");
        assertEquals(2, range.exitCode());
        first = range.err().lines().findFirst().orElseThrow();
        assertTrue(first.contains("rho2") && first.contains("1.5"), range.err());

        Result twice = run("train", "--rule", "adam", "--lr", "0.1", "--hp", "lr=0.01");
        assertEquals(2, twice.exitCode());
        assertTrue(twice.err().contains("learning_rate is given twice"), twice.err());

        Result compare = run("train", "--compare", "--hp", "eps=1e-7");
        assertEquals(2, compare.exitCode());
        assertTrue(compare.err().contains("--hp"), compare.err());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
