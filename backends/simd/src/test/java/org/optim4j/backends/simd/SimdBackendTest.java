package org.optim4j.backends.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.optim4j.Optimizer;
import org.optim4j.rule.Sgd;

/** The simd backend's threads: daemons, stopped by close(); a closed backend still computes, on the caller. */
class SimdBackendTest {

    private static Set<Thread> workers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("optim4j-simd-worker-")).collect(Collectors.toSet());
    }

    @Test
    void workersAreDaemonsAndCloseStopsThem() throws InterruptedException {
        Set<Thread> before = workers();
        SimdBackend backend = new SimdBackend(3);
        Set<Thread> mine = workers();
        mine.removeAll(before);
        assertEquals(2, mine.size(), "3 threads = the caller + 2 workers");
        assertTrue(mine.stream().allMatch(Thread::isDaemon));
        backend.close();
        for (Thread t : mine) {
            t.join(5_000);
            assertTrue(!t.isAlive(), t.getName() + " still runs after close()");
        }
        float[] theta = new float[100_000];
        float[] g = new float[theta.length];
        java.util.Arrays.fill(g, 1);
        Optimizer.create(Sgd.of(0.5), backend, theta.length).step(theta, g);
        assertEquals(-0.5f, theta[theta.length - 1]);
    }

    @Test
    void threadCountIsChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SimdBackend(0));
        assertTrue(e.getMessage().contains("threads") && e.getMessage().contains("0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SimdBackend(2, -1));
    }
}
