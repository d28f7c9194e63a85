package org.optim4j.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: a mistake is one line and exit code 2; a run trains, checkpoints and resumes. */
class TrainSparkCommandTest {
    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TrainSparkCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void mistakesAreOneLineAndExitCode2() {
        Result r = run("--mode", "zero");
        assertEquals(2, r.code());
        assertEquals("mode must be 'driver', 'sharded' or 'averaging', got 'zero'", r.err().strip());
        r = run("--rule", "adam", "--hp", "learning_rate=-1");
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        r = run("--resume");
        assertEquals(2, r.code());
        assertEquals("--resume needs --checkpoint-dir", r.err().strip());
        r = run("--workers", "0", "--master", "local[1]");
        assertEquals(2, r.code());
        assertEquals("workers must be >= 1, got 0", r.err().strip());
    }

    @Test
    void aRunTrainsCheckpointsAndResumes() throws Exception {
        Path cp = dir.resolve("run");
        Result r = run("--mode", "sharded", "--steps", "4", "--hidden", "8", "--log-every", "2", "--checkpoint-dir",
                cp.toString(), "--rdd-checkpoint-dir", dir.resolve("rdd").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("step 4  loss "), r.out());
        assertTrue(r.out().contains("test accuracy"), r.out());
        assertTrue(Files.exists(cp.resolve("manifest.properties")));
        r = run("--mode", "sharded", "--steps", "6", "--hidden", "8", "--checkpoint-dir", cp.toString(), "--resume",
                "--seed", "7");
        assertEquals(2, r.code());
        assertEquals("resumeFrom: the checkpoint is of a run with seed 42, this run has seed 7; resume with the same seed",
                r.err().strip());
        r = run("--mode", "sharded", "--steps", "6", "--hidden", "8", "--checkpoint-dir", cp.toString(), "--resume");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("2 steps in"), r.out());
    }
}
