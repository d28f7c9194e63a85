package org.optim4j.backends.simd;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the {@code jdk.incubator.vector} kernels ({@link VectorKernels}, {@link VectorCodec}) can run: only when
 * the JVM was started with {@code --add-modules jdk.incubator.vector}. Their classes are loaded only after this says
 * yes, so the artifact runs without the module (then compressed state is converted by plain loops, which C2 does not
 * vectorise: several times slower). Logs once, at INFO, which path is used.
 */
final class VectorSupport {
    /** The JVM flag that enables the fast path. */
    static final String FLAG = "--add-modules jdk.incubator.vector";
    /** Set to {@code false} to use the plain loops even when the module is present (tests, comparisons). */
    static final String PROPERTY = "optim4j.simd.vector";

    private static final Logger log = LoggerFactory.getLogger(VectorSupport.class);
    static final boolean AVAILABLE = detect();

    private VectorSupport() {
    }

    private static boolean detect() {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "").trim())) {
            log.info("simd: compressed state (bf16, int8) uses plain loops ({}=false)", PROPERTY);
            return false;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            log.info("simd: compressed state (bf16, int8) uses plain loops; start the JVM with {} for the "
                    + "vectorised kernels (several times faster)", FLAG);
            return false;
        }
        try {
            String shape = VectorKernels.describe();
            log.info("simd: compressed state (bf16, int8) uses jdk.incubator.vector kernels ({})", shape);
            return true;
        } catch (LinkageError | RuntimeException e) {
            log.info("simd: jdk.incubator.vector is present but unusable ({}); compressed state uses plain loops",
                    e.toString());
            return false;
        }
    }
}
