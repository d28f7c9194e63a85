package org.optim4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.optim4j.Optimizer;
import org.optim4j.RuleCatalog;
import org.optim4j.backend.Backends;
import org.optim4j.backends.simd.SimdBackend;
import org.optim4j.checkpoint.Checkpoint;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;

/**
 * The documented thread-safety contract: distinct optimizers may run on distinct threads at the same
 * time on the shared backend instances of {@link Backends}. Every rule twice on every available backend,
 * plus a private simd backend with more threads than this machine may have cores, all at once; each result
 * must equal, bit for bit, the same run made alone. The size is above simd's split threshold, so the runs
 * go through its thread hand-off (the optimizer that holds the workers splits, the others run alone).
 */
class ConcurrentOptimizersTest {
    private static final int SIZE = SimdBackend.DEFAULT_MIN_SPLIT + 4_099;
    private static final int STEPS = 60;

    private static Checkpoint run(UpdateRule rule, Backend backend, CountDownLatch start) throws InterruptedException {
        Optimizer opt = Optimizer.create(rule, backend, SIZE);
        Buffer theta = opt.newBuffer();
        Trajectories.initialParameters(theta);
        Buffer gradient = opt.newBuffer();
        start.await();
        Trajectories.run(opt, theta, gradient, STEPS, true);
        return Checkpoint.capture(opt, theta);
    }

    @Test
    void distinctOptimizersOnSharedBackendsDoNotInterfere() throws Exception {
        List<Backend> backends = new ArrayList<>(Backends.available());
        SimdBackend five = new SimdBackend(5, 1024);
        backends.add(five);
        List<UpdateRule> rules = RuleCatalog.rules();
        List<Checkpoint> alone = new ArrayList<>();
        for (Backend b : backends) {
            for (UpdateRule rule : rules) {
                alone.add(run(rule, b, new CountDownLatch(0)));
            }
        }
        int copies = 2;
        int tasks = copies * alone.size();
        ExecutorService pool = Executors.newFixedThreadPool(tasks);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Checkpoint>> futures = new ArrayList<>();
            for (int c = 0; c < copies; c++) {
                for (Backend b : backends) {
                    for (UpdateRule rule : rules) {
                        futures.add(pool.submit(() -> run(rule, b, start)));
                    }
                }
            }
            start.countDown();
            for (int i = 0; i < futures.size(); i++) {
                assertEquals(alone.get(i % alone.size()), futures.get(i).get(120, TimeUnit.SECONDS),
                        "concurrent run " + i + " differs from the same run alone");
            }
        } finally {
            pool.shutdownNow();
            five.close();
        }
        System.out.println("ConcurrentOptimizersTest: " + tasks + " optimizers of " + SIZE + " parameters on "
                + backends.size() + " backends (the shared ones and a private 5-thread simd) ran concurrently, "
                + "each bit-identical to its run alone");
    }
}
