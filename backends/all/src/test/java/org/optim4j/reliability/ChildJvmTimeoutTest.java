package org.optim4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The child-JVM runner of the reliability tests enforces its timeout: a child that never ends (the checkpointing
 * loop of {@link CheckpointCrashTest}, which runs until killed) is killed and the test fails, with the child's
 * output, instead of hanging the build.
 */
class ChildJvmTimeoutTest {
    @TempDir
    Path dir;

    @Test
    void aChildThatNeverEndsIsKilledAtTheTimeoutAndFailsTheTest() {
        ProcessBuilder forever = ChildJvm.command(CheckpointLoopChild.class, List.of("-Xmx64m"), "scalar",
                dir.resolve("loop.ckpt").toString(), "10");
        Set<ProcessHandle> before = ProcessHandle.current().children().collect(Collectors.toSet());
        long start = System.nanoTime();
        AssertionError e = assertThrows(AssertionError.class,
                () -> ChildJvm.run(forever, Duration.ofSeconds(3), dir.resolve("loop.out")));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(e.getMessage().contains("CheckpointLoopChild did not finish within 3 s; killed"), e.getMessage());
        assertTrue(e.getMessage().contains("Its output so far:"), e.getMessage());
        assertTrue(seconds < 40, "the runner returned after " + seconds + " s");
        List<ProcessHandle> left = ProcessHandle.current().children().filter(p -> !before.contains(p))
                .filter(ProcessHandle::isAlive).collect(Collectors.toList());
        assertEquals(List.of(), left, "the child is still running");
    }

    @Test
    void aChildThatEndsGivesItsExitCodeAndOutput() throws Exception {
        ChildJvm.Result r = ChildJvm.run(ChildJvm.command(OffHeapChild.class, List.of("-Xmx64m"), "scalar", "16", "10"),
                Duration.ofSeconds(120), dir.resolve("ok.out"));
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("steps 1010"), r.output());
    }
}
