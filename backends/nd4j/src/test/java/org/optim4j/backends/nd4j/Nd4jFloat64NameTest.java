package org.optim4j.backends.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.optim4j.Optimizer;
import org.optim4j.backend.Backends;
import org.optim4j.rule.Adam;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;

/** Float64 on ND4J has a name, and a float64 buffer given to the float32 backend is refused with a hint. */
class Nd4jFloat64NameTest {
    @Test
    void nd4jF64IsSelectableByNameAndTheFloat32BackendPointsToIt() {
        Backend f64 = Backends.byName("nd4j-f64");
        assertEquals(Buffer.Precision.FLOAT64, f64.allocate(1).precision());
        Optimizer opt = Optimizer.create(Adam.of(0.1), Backends.byName("nd4j"), 3);
        Buffer theta = f64.allocate(3);
        Buffer g = f64.allocate(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.step(theta, g));
        assertTrue(e.getMessage().contains("FLOAT64") && e.getMessage().contains("nd4j-f64"), e.getMessage());
        Optimizer right = Optimizer.create(Adam.of(0.1), f64, 3);
        g.set(0, 1);
        right.step(theta, g);
        assertEquals(-0.1, theta.get(0), 1e-9);
    }
}
