package org.optim4j.reliability;

import java.nio.file.Files;
import java.nio.file.Paths;
import org.optim4j.NonFinitePolicy;
import org.optim4j.Optimizer;
import org.optim4j.backend.Backends;
import org.optim4j.rule.Adam;
import org.optim4j.spi.Buffer;

/**
 * The process of {@link BackendResourcesTest}'s off-heap measurement: Adam on one backend, 1,000 warm-up
 * steps, then 10,000 steps; prints the resident set size before and after the 10,000. Started with a
 * small, pre-touched, fixed heap, so that RSS growth is memory outside the Java heap (ND4J's native
 * buffers are seen by nothing else: neither JavaCPP's counters nor ND4J's allocation tracker count them).
 */
public final class OffHeapChild {
    private OffHeapChild() {
    }

    static long residentBytes() throws Exception {
        String[] statm = Files.readString(Paths.get("/proc/self/statm")).trim().split(" ");
        return Long.parseLong(statm[1]) * 4096;
    }

    private static void settle() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[1]);
        int steps = Integer.parseInt(args[2]);
        // UNCHECKED: the backend's kernels are measured, not the non-finite check (a pure read).
        Optimizer opt = Optimizer.builder(Adam.defaults()).backend(Backends.byName(args[0])).parameterCount(n)
                .nonFinitePolicy(NonFinitePolicy.UNCHECKED).build();
        Buffer theta = opt.newBuffer();
        Buffer g = opt.newBuffer();
        Trajectories.gradientAtStep(0).gradient(theta, g);
        for (int s = 0; s < 1000; s++) {
            opt.step(theta, g);
        }
        settle();
        long before = residentBytes();
        for (int s = 0; s < steps; s++) {
            opt.step(theta, g);
        }
        settle();
        long after = residentBytes();
        System.out.println("rss " + before + " " + after + " steps " + opt.state().step());
    }
}
