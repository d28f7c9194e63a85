package org.optim4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import org.optim4j.backend.Backends;
import org.optim4j.backends.simd.SimdSingleThreadBackend;
import org.optim4j.spi.Backend;

/**
 * The backends the suite measures, by the names used in the JMH {@code backend} parameter: {@code scalar},
 * {@code simd1} (the simd backend on one thread, registered as a backend of its own), {@code simd} (all cores)
 * and {@code nd4j}. Every one is a registered backend a user can choose by name.
 */
public final class BenchBackends {
    /** The simd backend restricted to the calling thread. */
    public static final String SIMD_ONE_THREAD = SimdSingleThreadBackend.NAME;
    /** Every variant, in table order. */
    public static final List<String> ALL = List.of("scalar", SIMD_ONE_THREAD, "simd", "nd4j");

    private BenchBackends() {
    }

    /**
     * The shared backend called {@code name}.
     *
     * @throws IllegalArgumentException if there is no such backend or it is not available here (with the reason)
     */
    public static Backend open(String name) {
        return Backends.byName(name);
    }

    /** The variants that can run here. */
    public static List<String> available() {
        List<String> names = new ArrayList<>();
        for (String name : ALL) {
            if (Backends.available().stream().anyMatch(b -> b.name().equals(name))) {
                names.add(name);
            }
        }
        return names;
    }
}
