package org.optim4j.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.optim4j.Optimizer;
import org.optim4j.backend.Backends;
import org.optim4j.checkpoint.Checkpoint;
import org.optim4j.spi.Buffer;

/**
 * The victim of {@link CheckpointCrashTest}: resumes from the checkpoint file if there is one, then steps
 * and checkpoints in a loop until it is killed. Prints {@code saved t} after each write has returned
 * (the rename is done), so the parent knows which states must survive a kill.
 */
public final class CheckpointLoopChild {
    private CheckpointLoopChild() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Paths.get(args[1]);
        int n = Integer.parseInt(args[2]);
        Optimizer opt = Optimizer.create(CheckpointCrashTest.RULE, Backends.byName(args[0]), n);
        Buffer theta = opt.newBuffer();
        Trajectories.initialParameters(theta);
        if (Files.exists(file)) {
            Checkpoint.read(file).restore(opt, theta);
        }
        System.out.println("start " + opt.state().step());
        System.out.flush();
        Buffer gradient = opt.newBuffer();
        while (true) {
            Trajectories.run(opt, theta, gradient, 1, false);
            Checkpoint.capture(opt, theta).write(file);
            System.out.println("saved " + opt.state().step());
            System.out.flush();
        }
    }
}
