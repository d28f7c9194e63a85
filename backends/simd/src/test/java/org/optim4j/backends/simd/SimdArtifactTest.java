package org.optim4j.backends.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.optim4j.backend.Backends;

/** Issue 12 item 5: optim4j-simd needs no ND4J, and a backend from another artifact is named with its artifact. */
class SimdArtifactTest {

    @Test
    void theSimdArtifactPullsNoNd4j() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.nd4j.linalg.factory.Nd4j"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.bytedeco.openblas.global.openblas"));
        assertEquals(SimdBackend.NAME, Backends.byName("simd").name());
        assertEquals(SimdSingleThreadBackend.NAME, Backends.byName("simd1").name());
    }

    @Test
    void aMissingBackendNamesTheArtifactThatHasIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.byName("nd4j"));
        assertEquals("no backend named 'nd4j' on the class path (it is in the artifact org.optim4j:optim4j-nd4j);"
                + " known: scalar, scalar-f64, simd, simd1, auto", e.getMessage());
    }

    @Test
    void theThreadCountIsASetting() {
        String before = System.getProperty(SimdBackend.THREADS_PROPERTY);
        try {
            System.setProperty(SimdBackend.THREADS_PROPERTY, "3");
            try (SimdBackend three = new SimdBackend()) {
                assertEquals(3, three.threads());
            }
            System.setProperty(SimdBackend.THREADS_PROPERTY, "zero");
            try (SimdBackend fallback = new SimdBackend()) {
                assertEquals(Runtime.getRuntime().availableProcessors(), fallback.threads());
            }
        } finally {
            if (before == null) {
                System.clearProperty(SimdBackend.THREADS_PROPERTY);
            } else {
                System.setProperty(SimdBackend.THREADS_PROPERTY, before);
            }
        }
        assertTrue(new SimdSingleThreadBackend().threads() == 1);
    }
}
