package org.optim4j.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.optim4j.Optimizer;
import org.optim4j.backend.Backends;
import org.optim4j.checkpoint.Checkpoint;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;

/**
 * The fresh process of {@link ResumeInFreshProcessTest}: for each job line
 * {@code backend in out steps closureForm}, reads the checkpoint {@code in}, restores it into a new
 * optimizer on {@code backend}, takes {@code steps} more steps and writes the result to {@code out}.
 */
public final class ResumeChild {
    private ResumeChild() {
    }

    public static void main(String[] args) throws Exception {
        List<String> jobs = Files.readAllLines(Paths.get(args[0]));
        for (String job : jobs) {
            String[] f = job.split("\t");
            Backend backend = Backends.byName(f[0]);
            Checkpoint cp = Checkpoint.read(Paths.get(f[1]));
            Optimizer opt = Optimizer.builder(cp.rule()).backend(backend).parameterCount(cp.parameterCount()).build();
            Buffer theta = opt.newBuffer();
            cp.restore(opt, theta);
            Trajectories.run(opt, theta, opt.newBuffer(), Integer.parseInt(f[3]), Boolean.parseBoolean(f[4]));
            Checkpoint.capture(opt, theta).write(Path.of(f[2]));
        }
        System.out.println("resumed " + jobs.size() + " checkpoints");
    }
}
