package org.optim4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optim4j.Optimizer;
import org.optim4j.RuleCatalog;
import org.optim4j.backend.Backends;
import org.optim4j.checkpoint.Checkpoint;
import org.optim4j.rule.Nesterov;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;

/**
 * Resume is exact: for every rule on every available backend, N steps, checkpoint to a file, restore in a
 * fresh JVM, M more steps — bit for bit the state and parameters of N + M uninterrupted steps. The split
 * crosses the linear-decay schedule's τ and Adam's bias correction depends on the step counter, so a
 * checkpoint that lost the schedule or the counter (deeplearning4j #3584, #4898) would show.
 */
class ResumeInFreshProcessTest {
    private static final int N = 7;
    private static final int M = 9;
    private static final int SIZE = 1003;

    @TempDir
    Path dir;

    @Test
    void resumingInAFreshProcessIsBitwiseEqualToAnUninterruptedRun() throws Exception {
        List<String> jobs = new ArrayList<>();
        List<Checkpoint> expected = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (Backend backend : Backends.available()) {
            for (UpdateRule rule : RuleCatalog.rules()) {
                for (boolean closureForm : rule instanceof Nesterov ? new boolean[] {false, true} : new boolean[] {false}) {
                    Optimizer whole = Optimizer.create(rule, backend, SIZE);
                    Buffer theta = whole.newBuffer();
                    Trajectories.initialParameters(theta);
                    Trajectories.run(whole, theta, whole.newBuffer(), N + M, closureForm);
                    Checkpoint uninterrupted = Checkpoint.capture(whole, theta);

                    Optimizer first = Optimizer.create(rule, backend, SIZE);
                    Buffer theta1 = first.newBuffer();
                    Trajectories.initialParameters(theta1);
                    Trajectories.run(first, theta1, first.newBuffer(), N, closureForm);
                    Checkpoint atN = Checkpoint.capture(first, theta1);
                    assertNotEquals(uninterrupted, atN);
                    int k = jobs.size();
                    Path in = dir.resolve(k + "-" + backend.name() + "-" + rule.id() + ".in");
                    Path out = dir.resolve(k + ".out");
                    atN.write(in);
                    jobs.add(String.join("\t", backend.name(), in.toString(), out.toString(), "" + M, "" + closureForm));
                    expected.add(uninterrupted);
                    outputs.add(out);
                }
            }
        }
        Path jobFile = dir.resolve("jobs.tsv");
        Files.write(jobFile, jobs, StandardCharsets.UTF_8);
        ChildJvm.Result child = ChildJvm.run(ChildJvm.command(ResumeChild.class, List.of("-Xmx512m"), jobFile.toString()),
                Duration.ofSeconds(120), dir.resolve("child.out"));
        assertEquals(0, child.exitCode(), "child JVM failed:\n" + child.output());
        int compared = 0;
        for (int i = 0; i < jobs.size(); i++) {
            Checkpoint resumed = Checkpoint.read(outputs.get(i));
            assertEquals(N + M, resumed.step());
            assertEquals(expected.get(i), resumed, "resume not exact for job " + jobs.get(i));
            compared++;
        }
        System.out.println("ResumeInFreshProcessTest: " + compared + " resumes (rule x form x backend "
                + Backends.available().stream().map(Backend::name).toList() + ") compared bit for bit in a fresh JVM");
        assertEquals(jobs.size(), compared);
    }
}
