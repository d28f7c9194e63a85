package org.optim4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.optim4j.backend.Backends;

class WorkloadTest {

    @Test
    void sizeNamesGiveLayouts() {
        assertEquals(65536, Workload.of("65536").parameters());
        assertEquals(1, Workload.of("65536").tensors());
        assertEquals(256 * 65536, Workload.of("256x65536").parameters());
        assertEquals(256, Workload.of("256x65536").layout(Backends.byName("scalar")).tensors().size());
        assertEquals(Workload.MIXED.length, Workload.of("mixed").tensors());
        assertEquals("64K", Workload.label("65536"));
        assertEquals("256x64K", Workload.label("256x65536"));
        assertEquals("16M", Workload.label("16777216"));
        assertEquals("4097", Workload.label("4097"));
    }

    @Test
    void dataIsSeededAndInRange() {
        float[] a = Workload.of("4097").gradient();
        assertArrayEquals(a, Workload.of("4097").gradient());
        for (float x : a) {
            assertTrue(x >= -1 && x < 1);
        }
    }

    @Test
    void badSizesAreRefusedByName() {
        for (String bad : new String[] {"0", "-5", "x3", "12x", "lots", "0x5"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Workload.of(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @org.junit.jupiter.api.Test
    void theTransformerLayoutIsGpt2sBlockStack() {
        Workload w = Workload.of("gpt12x768");
        assertEquals(144, w.tensors());
        assertEquals(85_054_464, w.parameters()); // 12 × 7,087,872, as PyTorch counts GPT-2 small's blocks
        assertEquals(768 * 2304, w.tensorLengths().get(2));
        assertEquals("gpt12x768", Workload.label("gpt12x768"));
    }
}
