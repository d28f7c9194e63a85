package org.optim4j.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.optim4j.NonFinitePolicy;
import org.optim4j.Optimizer;
import org.optim4j.backend.Backends;
import org.optim4j.rule.Adam;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;

/**
 * Resources of every backend on the class path, written generically so that each backend merged into
 * this module is covered without a change here: the threads a backend starts are daemon threads and
 * are gone after {@link Backend#close()}; native and direct memory does not grow over 10,000 steps.
 * Backends that are not available here are skipped (and named in the output).
 */
class BackendResourcesTest {
    /** Generous: a per-step leak of even 7 bytes per step per parameter shows, noise does not. */
    private static final long MAX_OFF_HEAP_GROWTH = 64L << 20;

    @Test
    void backendThreadsAreDaemonsAndStopOnClose() throws Exception {
        for (ServiceLoader.Provider<Backend> provider : ServiceLoader.load(Backend.class).stream().collect(Collectors.toList())) {
            Backend fresh = provider.get(); // a private instance: closing the shared one would break other tests
            if (!fresh.availability().available()) {
                System.out.println("BackendResourcesTest: " + fresh.name() + " skipped: " + fresh.availability().reason());
                continue;
            }
            int n = 1 << 20; // large enough for a backend to split the work over threads
            // Run the shared instance first: threads of a native library (started once per JVM) then exist
            // already, and the threads counted below are the fresh instance's own.
            runSomeSteps(Backends.byName(fresh.name()), n);
            Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
            Optimizer opt = runSomeSteps(fresh, n);
            List<Thread> started = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !before.contains(t) && t.isAlive())
                    .filter(t -> !t.getName().startsWith("ForkJoinPool.commonPool")) // the JDK's, not the backend's
                    .collect(Collectors.toList());
            for (Thread t : started) {
                assertTrue(t.isDaemon(), fresh.name() + " started the non-daemon thread '" + t.getName()
                        + "', which would keep the JVM alive");
            }
            opt.close();
            fresh.close();
            for (Thread t : started) {
                t.join(10_000);
                assertTrue(!t.isAlive(), fresh.name() + "'s thread '" + t.getName() + "' still runs after close()");
            }
            System.out.println("BackendResourcesTest: " + fresh.name() + " started " + started.size()
                    + " thread(s), all daemon, all stopped by close()");
        }
    }

    private static Optimizer runSomeSteps(Backend backend, int n) {
        Optimizer opt = Optimizer.create(Adam.defaults(), backend, n);
        Buffer theta = opt.newBuffer();
        Buffer g = opt.newBuffer();
        for (int i = 0; i < n; i += 97) {
            g.set(i, 0.5);
        }
        for (int s = 0; s < 5; s++) {
            opt.step(theta, g);
        }
        return opt;
    }

    @Test
    void offHeapMemoryDoesNotGrowOver10000Steps() throws Exception {
        for (Backend backend : Backends.available()) {
            int n = 1 << 16;
            Optimizer opt = Optimizer.builder(Adam.defaults()).backend(backend).parameterCount(n)
                    .nonFinitePolicy(NonFinitePolicy.FAIL).build();
            Buffer theta = opt.newBuffer();
            Buffer g = opt.newBuffer();
            Trajectories.gradientAtStep(0).gradient(theta, g);
            for (int s = 0; s < 1000; s++) {
                opt.step(theta, g);
            }
            long before = offHeapBytes();
            if (backend.name().equals("nd4j")) {
                // Otherwise the measurement would not see ND4J's buffers and this test would measure nothing.
                assertTrue(javaCppBytes() >= 4L * n, "JavaCPP tracks " + javaCppBytes() + " bytes: ND4J's buffers are not seen");
            }
            for (int s = 0; s < 10_000; s++) {
                opt.step(theta, g);
            }
            long after = offHeapBytes();
            long growth = after - before;
            System.out.printf("BackendResourcesTest: %s off-heap (JavaCPP + direct buffers) %d -> %d bytes over 10,000 "
                    + "Adam steps of %d parameters (growth %d, bound %d)%n", backend.name(), before, after, n, growth,
                    MAX_OFF_HEAP_GROWTH);
            assertTrue(growth <= MAX_OFF_HEAP_GROWTH, backend.name() + " off-heap memory grew by " + growth
                    + " bytes over 10,000 steps");
        }
    }

    /**
     * Native memory JavaCPP tracks (ND4J's buffers live there; read reflectively, so this module needs no
     * JavaCPP dependency) plus the JDK's direct and mapped buffers, after a GC so that collectable
     * buffers are released.
     */
    private static long offHeapBytes() throws Exception {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        long bytes = javaCppBytes();
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            bytes += pool.getMemoryUsed();
        }
        return bytes;
    }

    private static long javaCppBytes() throws Exception {
        try {
            Class<?> pointer = Class.forName("org.bytedeco.javacpp.Pointer");
            return (Long) pointer.getMethod("totalBytes").invoke(null);
        } catch (ClassNotFoundException e) {
            return 0; // No JavaCPP on the class path: no backend here allocates through it.
        }
    }
}
