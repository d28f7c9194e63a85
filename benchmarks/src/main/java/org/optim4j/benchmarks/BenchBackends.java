package org.optim4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import org.optim4j.backend.Backends;
import org.optim4j.backends.simd.SimdBackend;
import org.optim4j.spi.Backend;

/**
 * The backend variants the suite measures, by the names used in the JMH {@code backend} parameter:
 * {@code scalar}, {@code simd1} (the simd backend on one thread), {@code simd} (all cores) and {@code nd4j}.
 */
public final class BenchBackends {
    /** The simd backend restricted to the calling thread. */
    public static final String SIMD_ONE_THREAD = "simd1";
    /** Every variant, in table order. */
    public static final List<String> ALL = List.of("scalar", SIMD_ONE_THREAD, "simd", "nd4j");

    private BenchBackends() {
    }

    /**
     * Opens the variant called {@code name}. Close it after use with {@link #release}: {@code simd1} is a
     * private instance, the others are the shared ones of {@link Backends}.
     *
     * @throws IllegalArgumentException if there is no such backend or it is not available here (with the reason)
     */
    public static Backend open(String name) {
        if (SIMD_ONE_THREAD.equals(name)) {
            Backends.byName(SimdBackend.NAME); // fails with the reason when simd cannot run here
            return new SimdBackend(1);
        }
        return Backends.byName(name);
    }

    /** Closes {@code backend} if {@link #open} made it for this caller alone. */
    public static void release(String name, Backend backend) {
        if (SIMD_ONE_THREAD.equals(name) && backend != null) {
            backend.close();
        }
    }

    /** The variants that can run here (simd1 whenever simd can). */
    public static List<String> available() {
        List<String> names = new ArrayList<>();
        for (String name : ALL) {
            String registered = SIMD_ONE_THREAD.equals(name) ? "simd" : name;
            if (Backends.available().stream().anyMatch(b -> b.name().equals(registered))) {
                names.add(name);
            }
        }
        return names;
    }
}
