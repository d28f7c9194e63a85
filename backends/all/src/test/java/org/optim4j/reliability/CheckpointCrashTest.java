package org.optim4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.optim4j.Optimizer;
import org.optim4j.backend.Backends;
import org.optim4j.checkpoint.Checkpoint;
import org.optim4j.rule.Adam;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;

/**
 * Crash safety: a child JVM that checkpoints in a loop is killed with SIGKILL
 * ({@link Process#destroyForcibly()} on Linux) at random moments — during start-up and restore, between
 * writes and in the middle of writes — at least {@value #DEFAULT_KILLS} times by default (system property
 * {@code optim4j.crash.kills} for a longer run); a third of the kills are aimed at a write (they come just after
 * the write's temporary file appears), and at least half of those must have left a half-written temporary file,
 * so that the test cannot pass without killing writers mid-write. After every kill the checkpoint on disk must load, hold
 * at least the last step the child reported as saved (nothing lost), and equal bit for bit the state an
 * uninterrupted run has at that step (one of the states written, not a mix). Runs on the scalar backend:
 * what is tested is the file protocol, which no backend touches.
 */
class CheckpointCrashTest {
    static final UpdateRule RULE = new Adam(Schedule.linearDecay(1e-2, 1e-3, 1000), 0.9, 0.999, 1e-8);
    static final int DEFAULT_KILLS = 50;
    /** 3 buffers x 4 bytes x 200,000 = 2.4 MB per checkpoint: a write takes long enough to be hit. */
    private static final int SIZE = 200_000;

    @Test
    void killedWritersNeverLeaveACorruptOrLostCheckpoint() throws Exception {
        int kills = Integer.getInteger("optim4j.crash.kills", DEFAULT_KILLS);
        Path dir = Files.createTempDirectory(Files.createDirectories(Paths.get("target")), "crash-test");
        Path file = dir.resolve("run.ckpt");
        Backend backend = Backends.byName("scalar");
        Optimizer reference = Optimizer.create(RULE, backend, SIZE);
        Buffer referenceTheta = reference.newBuffer();
        Trajectories.initialParameters(referenceTheta);
        Buffer referenceGradient = reference.newBuffer();
        SplittableRandom random = new SplittableRandom(Long.getLong("optim4j.crash.seed", 20261128L));
        long started = System.nanoTime();
        int survived = 0;
        int aimed = 0;
        int aimedMidWrite = 0;
        int midWrite = 0;
        int beforeFirstSave = 0;
        long lastStep = -1;
        for (int k = 0; k < kills; k++) {
            Process child = ChildJvm.command(CheckpointLoopChild.class, List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"),
                    backend.name(), file.toString(), "" + SIZE).redirectError(dir.resolve("child.err").toFile()).start();
            AtomicLong saved = new AtomicLong(-1);
            AtomicLong savesThisRun = new AtomicLong();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.startsWith("saved ")) {
                            saved.set(Long.parseLong(line.substring(6)));
                            savesThisRun.incrementAndGet();
                        }
                    }
                } catch (IOException e) {
                    // the pipe breaks when the child is killed
                }
            });
            reader.start();
            if (k % 3 == 0) {
                // Aimed at a write: wait for the first save of this run, then for the next write's temporary
                // file to appear, then kill after a random 0–1 ms (a write of 2.4 MB and its fsync take longer).
                awaitFirstSave(child, savesThisRun, dir);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!hasTemporaryFile(dir) && child.isAlive() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                LockSupport.parkNanos(random.nextInt(1_000_000));
            } else if (k % 3 == 1) {
                // While checkpointing: wait for the first save of this run, then a random moment.
                awaitFirstSave(child, savesThisRun, dir);
                Thread.sleep(random.nextInt(250));
            } else {
                // Kill at any moment, start-up and restore included.
                Thread.sleep(random.nextInt(700));
            }
            long reported = saved.get();
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            reader.join();
            if (savesThisRun.get() == 0) {
                beforeFirstSave++;
            }
            long mustHave = Math.max(reported, saved.get());
            try (Stream<Path> s = Files.list(dir)) {
                List<Path> temps = s.filter(p -> p.getFileName().toString().endsWith(".tmp")).collect(Collectors.toList());
                if (!temps.isEmpty()) {
                    midWrite++;
                    aimedMidWrite += k % 3 == 0 ? 1 : 0;
                }
                aimed += k % 3 == 0 ? 1 : 0;
                for (Path t : temps) {
                    Files.delete(t);
                }
            }
            if (!Files.exists(file)) {
                assertEquals(-1, mustHave, "the child reported a save but there is no checkpoint");
                survived++;
                continue;
            }
            Checkpoint onDisk = Checkpoint.read(file); // throws on a corrupt or truncated file
            assertTrue(onDisk.step() >= mustHave, "lost: the child reported step " + mustHave
                    + " saved but the file holds step " + onDisk.step());
            assertTrue(onDisk.step() >= lastStep, "the checkpoint went back from step " + lastStep + " to " + onDisk.step());
            Trajectories.run(reference, referenceTheta, referenceGradient, (int) (onDisk.step() - reference.state().step()), false);
            assertEquals(Checkpoint.capture(reference, referenceTheta), onDisk,
                    "the checkpoint of step " + onDisk.step() + " is not the state written at that step");
            lastStep = onDisk.step();
            survived++;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("CheckpointCrashTest: %d SIGKILLs survived of %d (%d left a half-written temporary file, "
                + "%d of the %d kills aimed at a write; %d came before the run's first save); final checkpoint at step %d; "
                + "%.1f s%n", survived, kills, midWrite, aimedMidWrite, aimed, beforeFirstSave, lastStep, seconds);
        assertEquals(kills, survived);
        // The test is about kills in the middle of a write: without enough of them it would prove little. Aimed
        // kills land there unless the write ends within the 0–1 ms delay; at least half of them must.
        assertTrue(aimedMidWrite >= aimed / 2, "only " + aimedMidWrite + " of the " + aimed + " kills aimed at a write ("
                + midWrite + " of all " + kills + ") left a half-written temporary file: too few kills landed mid-write");
        assertTrue(lastStep > 0, "no checkpoint was ever written");
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.collect(Collectors.toList())) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    private static void awaitFirstSave(Process child, AtomicLong savesThisRun, Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (savesThisRun.get() == 0 && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        if (!child.isAlive()) {
            fail("checkpointing child died on its own with exit code " + child.exitValue() + ":\n"
                    + Files.readString(dir.resolve("child.err")));
        }
    }

    private static boolean hasTemporaryFile(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".tmp"));
        }
    }
}
