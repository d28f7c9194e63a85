package org.optim4j.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** float16 conversion against PyTorch 1.13's {@code .half()}, bit for bit (fixtures/quant/fp16.txt). */
class Fp16Test {

    @Test
    void convertsExactlyAsPyTorch() throws IOException {
        List<String> lines = QuantFixtures.lines("fp16.txt");
        assertTrue(lines.size() > 20_000);
        int subnormal = 0, infinite = 0;
        for (String line : lines) {
            String[] p = line.split(" ");
            int f = QuantFixtures.hex(p[0]);
            int expected = QuantFixtures.hex(p[1]);
            assertEquals(Integer.toHexString(expected), Integer.toHexString(Fp16.encode(Float.intBitsToFloat(f))),
                    "float " + Float.intBitsToFloat(f));
            subnormal += (expected & 0x7C00) == 0 && (expected & 0x3FF) != 0 ? 1 : 0;
            infinite += (expected & 0x7FFF) == 0x7C00 ? 1 : 0;
        }
        assertTrue(subnormal > 100 && infinite > 10, "subnormals " + subnormal + ", infinities " + infinite);
    }

    @Test
    void decodingIsExact() {
        for (int h = 0; h < 1 << 16; h++) {
            float x = Fp16.decode(h);
            if (Float.isNaN(x)) {
                assertTrue((h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0);
            } else {
                assertEquals(h, Fp16.encode(x), "half " + Integer.toHexString(h));
            }
        }
        assertEquals(0x7E00, Fp16.encode(Float.NaN));
        assertEquals(65504f, Fp16.decode(0x7BFF));
    }
}
