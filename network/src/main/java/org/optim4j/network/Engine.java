package org.optim4j.network;

import java.util.Locale;

/** Where an {@link Mlp} does its arithmetic. */
public enum Engine {
    /**
     * Plain Java loops over {@code float[]} (C2 vectorises them). The default: fastest for small
     * networks such as 64-128-64-10 at batch 32 on the machines measured.
     */
    JAVA,
    /**
     * Matrix products through ND4J's {@code gemm} (OpenBLAS) on preallocated INDArrays; bias,
     * activations and softmax as fused Java loops over {@code float[]} copies. Each {@code gemm} call
     * costs tens of microseconds through ND4J's op layer, so this engine can only win where the
     * products themselves are much larger than that (wide layers, large batches).
     */
    ND4J;

    MlpEngine create(MlpArchitecture architecture, int capacity) {
        return switch (this) {
            case JAVA -> new JavaMlpEngine(architecture, capacity);
            case ND4J -> new Nd4jMlpEngine(architecture, capacity);
        };
    }

    /** The lower-case name used on the command line. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code java} or {@code nd4j} (case-insensitive). */
    public static Engine parse(String text) {
        for (Engine e : values()) {
            if (e.id().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return e;
            }
        }
        throw new IllegalArgumentException("engine must be 'java' or 'nd4j', got '" + text + "'");
    }
}
