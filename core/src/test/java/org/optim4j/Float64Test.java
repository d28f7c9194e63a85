package org.optim4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.optim4j.backend.Backends;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.rule.Adam;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.DoubleArrayBuffer;

/** Float64 without ND4J: a backend by name, a double[] entry point, and a hint when precisions do not match. */
class Float64Test {
    @Test
    void scalarF64StepsDoubleArraysInDoublePrecision() {
        Backend f64 = Backends.byName("scalar-f64");
        Optimizer opt = Optimizer.create(Adam.of(0.1), f64, 2);
        double[] theta = {1.0, -2.0};
        double[] g = {1e-9, 3.0};
        opt.step(theta, g);
        // First Adam step: ŝ = g, r̂ = g², θ −= α·g/(|g| + ε); written out in double.
        assertEquals(1.0 - 0.1 * 1e-9 / (1e-9 + 1e-8), theta[0], 1e-16);
        assertEquals(-2.0 - 0.1 * 3.0 / (3.0 + 1e-8), theta[1], 1e-15);
        // A float32 backend cannot have held 1 − 0.1·(1/11) to that precision.
        assertTrue(Math.abs(theta[0] - (float) theta[0]) > 0);
        assertEquals(Buffer.Precision.FLOAT64, opt.state().buffer("s").precision());
    }

    @Test
    void aDoubleArrayOnAFloatBackendIsRefusedWithThePrecisionAndWhereItWouldGo() {
        Optimizer opt = Optimizer.create(Adam.of(0.1), new ScalarBackend(), 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> opt.step(new double[2], new double[2]));
        assertTrue(e.getMessage().contains("FLOAT64") && e.getMessage().contains("scalar-f64"), e.getMessage());
        assertEquals(0, opt.state().step());
        assertTrue(Backends.byName("scalar-f64").owns(DoubleArrayBuffer.zeros(1)));
    }
}
