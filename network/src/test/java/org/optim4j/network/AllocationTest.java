package org.optim4j.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.optim4j.Optimizer;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.network.data.Dataset;
import org.optim4j.network.data.Digits;
import org.optim4j.rule.Nesterov;
import org.optim4j.spi.Buffer;

/** After warm-up, a training step of the Java engine allocates nothing (measured by the JVM's allocation counter). */
class AllocationTest {

    @Test
    void javaEngineTrainingStepAllocatesNothingAfterWarmUp() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        MlpArchitecture arch = MlpArchitecture.of(Activation.RELU, 64, 128, 64, 10);
        Dataset digits = Digits.load().scaledBy(Digits.MAX_PIXEL);
        int[] order = Dataset.permutation(digits.rows(), 1);
        Mlp mlp = Mlp.create(arch, Engine.JAVA, 32);
        Batch batch = Batch.allocate(32, 64);
        Mlp.Objective objective = mlp.objective(batch);
        // Nesterov's spec form exercises the most: look-ahead point, gradient function, momentum kernel.
        Optimizer optimizer = Optimizer.create(Nesterov.of(0.05, 0.9), new ScalarBackend(), arch.parameterCount());
        Buffer theta = optimizer.newBuffer();
        mlp.initialise(theta, 1);
        Runnable steps = () -> {
            for (int i = 0; i + 32 <= digits.rows(); i += 32) {
                digits.fill(batch, order, i, 32);
                optimizer.step(theta, objective);
            }
        };
        for (int i = 0; i < 5; i++) {
            steps.run();   // warm-up: the optimizer's scratch buffers, JIT compilation
        }
        // The least of three measured epochs: a stray one-off allocation (a late JIT event on a busy machine
        // showed 280 bytes once) is not per-step, while a per-step allocation shows in every epoch.
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long empty = threads.getCurrentThreadAllocatedBytes();
            long before = threads.getCurrentThreadAllocatedBytes();
            long counterCost = before - empty;
            steps.run();
            allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before - counterCost);
        }
        assertEquals(0, allocated, "bytes allocated by " + digits.rows() / 32 + " training steps");
    }
}
