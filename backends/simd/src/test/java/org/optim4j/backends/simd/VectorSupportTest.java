package org.optim4j.backends.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.optim4j.quant.QuantCodec;

/**
 * The vector path is used exactly when the JVM has {@code jdk.incubator.vector}: this class runs in both surefire
 * executions of this module (with the flag, and {@code no-vector} without it), so each proves its own case.
 */
class VectorSupportTest {
    static final boolean MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    @Test
    void theVectorPathIsUsedExactlyWhenTheModuleIsPresent() {
        assertEquals(MODULE, VectorSupport.AVAILABLE, "module present: " + MODULE);
        if (MODULE) {
            assertTrue(QuantCodec.get() instanceof VectorCodec, QuantCodec.get().toString());
        } else {
            assertSame(QuantCodec.SCALAR, QuantCodec.get());
        }
    }

    /** Surefire's main execution must give the flag, or the parity tests would only cover the fallback. */
    @Test
    void theMainTestRunHasTheModule() {
        String flag = System.getProperty("optim4j.test.expectVector");
        if (flag != null) {
            assertEquals(Boolean.parseBoolean(flag), MODULE);
        }
    }
}
