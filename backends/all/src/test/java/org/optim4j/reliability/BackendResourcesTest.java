package org.optim4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optim4j.Optimizer;
import org.optim4j.backend.Backends;
import org.optim4j.rule.Adam;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;

/**
 * Resources of every backend on the class path, written generically so that each backend merged into
 * this module is covered without a change here: the threads a backend starts are daemon threads and
 * are gone after {@link Backend#close()}; memory outside the Java heap (native, direct) does not grow over
 * 10,000 steps, measured as the resident set of a child JVM whose heap is fixed and pre-touched.
 * Backends that are not available here are skipped (and named in the output).
 */
class BackendResourcesTest {
    /** Generous: a leak of one 7 KB allocation per step shows; JIT code and metaspace noise does not. */
    private static final long MAX_OFF_HEAP_GROWTH = 64L << 20;

    @TempDir
    Path dir;

    @Test
    void backendThreadsAreDaemonsAndStopOnClose() throws Exception {
        for (ServiceLoader.Provider<Backend> provider : ServiceLoader.load(Backend.class).stream().collect(Collectors.toList())) {
            Backend shared = Backends.all().stream().filter(b -> b.getClass() == provider.type()).findFirst().orElseThrow();
            if (!shared.availability().available()) {
                System.out.println("BackendResourcesTest: " + shared.name() + " skipped: " + shared.availability().reason());
                continue;
            }
            int n = 1 << 20; // large enough for a backend to split the work over threads
            // Run the shared instance first: threads of a native library (started once per JVM) then exist
            // already, and the threads counted below are the fresh instance's own.
            runSomeSteps(shared, n);
            Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
            Backend fresh = provider.get(); // a private instance: closing the shared one would break other tests
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
        Assumptions.assumeTrue(Files.isReadable(Paths.get("/proc/self/statm")), "needs Linux /proc to read the RSS");
        for (Backend backend : Backends.available()) {
            // Small: ND4J's per-op overhead, not the size, sets its step time (10,000 steps of 64K took 100+ s
            // on the loaded 2-core machine, 4K about 20 s); a leak of per-step temporaries still shows.
            int n = 4096;
            ChildJvm.Result child = ChildJvm.run(ChildJvm.command(OffHeapChild.class,
                    List.of("-Xms96m", "-Xmx96m", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC"), backend.name(), "" + n, "10000"),
                    Duration.ofSeconds(120), dir.resolve("offheap-" + backend.name() + ".out"));
            String out = child.output();
            assertEquals(0, child.exitCode(), out);
            String[] f = out.lines().filter(l -> l.startsWith("rss ")).findFirst().orElseThrow().split(" ");
            long before = Long.parseLong(f[1]);
            long after = Long.parseLong(f[2]);
            assertEquals("11000", f[4], "the child did not take its steps");
            long growth = after - before;
            System.out.printf("BackendResourcesTest: %s resident memory %d -> %d bytes over 10,000 Adam steps of %d "
                    + "parameters in a fixed %s heap (growth %d, bound %d)%n", backend.name(), before, after, n, "96 MB",
                    growth, MAX_OFF_HEAP_GROWTH);
            assertTrue(growth <= MAX_OFF_HEAP_GROWTH, backend.name() + " memory outside the heap grew by " + growth
                    + " bytes over 10,000 steps");
        }
    }
}
