package org.optim4j.backends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optim4j.Optimizer;
import org.optim4j.backend.Backends;
import org.optim4j.backends.simd.SimdBackend;
import org.optim4j.backends.simd.SimdSingleThreadBackend;
import org.optim4j.rule.Adam;
import org.optim4j.reliability.ChildJvm;
import org.optim4j.spi.Backend;

/** Issue 12 item 7: {@code auto} means one thing everywhere, simd1 is a backend, the property's effect is named. */
class AutoBackendTest {

    @Test
    void autoByNameIsTheSelectionForNoParticularRuleNotTheReference() {
        Backend auto = Backends.byName("auto");
        assertEquals(Backends.select(Adam.defaults(), Backends.REPRESENTATIVE_SIZE), auto);
        assertEquals(Backends.select(), auto);
        // On a machine with simd, a measurement never picks the scalar reference (≈ 10x slower).
        assertNotEquals("scalar", auto.name(), "auto fell back to the reference");
        assertEquals(Backends.select(Adam.defaults(), 1000), Backends.named("AUTO", Adam.defaults(), 1000));
        assertEquals("nd4j", Backends.named("nd4j", Adam.defaults(), 1000).name());
    }

    @Test
    void oneThreadSimdIsARegisteredBackendAUserCanName() {
        Backend simd1 = Backends.byName("simd1");
        assertTrue(simd1 instanceof SimdSingleThreadBackend, simd1.toString());
        assertEquals(1, ((SimdBackend) simd1).threads());
        assertTrue(Backends.available().contains(simd1));
        float[] theta = {1, 2, 3};
        Optimizer.create(Adam.defaults(), simd1, 3).step(theta, new float[] {1, 1, 1});
        assertEquals(1 - 0.001f, theta[0], 1e-7f);
    }

    /** A float[] call on an optimizer whose backend the property chose (nd4j) says the property did it. */
    @Test
    void aFloatArrayCallOnAPropertyChosenNd4jBackendNamesTheProperty(@TempDir Path dir) throws Exception {
        ChildJvm.Result r = ChildJvm.run(ChildJvm.command(FloatCallChild.class,
                List.of("-D" + Backends.PROPERTY + "=nd4j", "-Xmx512m")), Duration.ofMinutes(2), dir.resolve("out.txt"));
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("REFUSED parameters is a FloatArrayBuffer (FLOAT32), not a buffer of backend 'nd4j'"
                + " (this optimizer's backend was named by system property optim4j.backend=nd4j); backends that take it:"),
                r.output());
        assertTrue(r.output().contains("simd1"), r.output());
    }

    /** The child of the test above. */
    public static final class FloatCallChild {
        public static void main(String[] args) {
            Optimizer opt = Optimizer.create(Adam.defaults(), 8);
            try {
                opt.step(new float[8], new float[8]);
                System.out.println("ACCEPTED");
            } catch (IllegalArgumentException e) {
                System.out.println("REFUSED " + e.getMessage());
            }
        }
    }
}
