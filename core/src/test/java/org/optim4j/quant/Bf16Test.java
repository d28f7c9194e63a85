package org.optim4j.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** bf16 rounding against PyTorch 1.13's own conversions, bit for bit (fixtures/quant/bf16.txt). */
class Bf16Test {

    @Test
    void roundsExactlyAsPyTorch() throws IOException {
        List<String> lines = QuantFixtures.lines("bf16.txt");
        assertTrue(lines.size() > 20_000, "fixture has " + lines.size() + " lines");
        int ties = 0;
        for (String line : lines) {
            String[] p = line.split(" ");
            int f = QuantFixtures.hex(p[0]);
            int expected = QuantFixtures.hex(p[1]);
            if (Float.isNaN(Float.intBitsToFloat(f))) {
                // PyTorch's vectorised CPU conversion writes 0xFFFF for NaN, its scalar c10::round_to_nearest_even
                // 0x7FC0 (the one followed here): both are NaN
                assertTrue(Float.isNaN(Bf16.decode(expected)) && Float.isNaN(Bf16.decode(Bf16.encodeBits(f))));
                continue;
            }
            assertEquals(Integer.toHexString(expected), Integer.toHexString(Bf16.encodeBits(f)),
                    "float bits " + p[0] + " (" + Float.intBitsToFloat(f) + ")");
            assertEquals(Integer.toHexString(expected), Integer.toHexString(Bf16.encode(Float.intBitsToFloat(f))));
            if ((f & 0xFFFF) == 0x8000) {
                ties++;
            }
        }
        assertTrue(ties > 1000, "the fixture exercises ties to even: " + ties);
    }

    @Test
    void everyNanBecomesTheQuietNanAndNeverAnotherValue() {
        for (int f : new int[] {0x7FC00000, 0x7FFFFFFF, 0xFFFFFFFF, 0x7F800001, 0xFF800001, 0x7FFF8000, 0xFFFFFFF0}) {
            assertEquals(0x7FC0, Bf16.encodeBits(f), Integer.toHexString(f));
        }
        assertEquals(0x7F80, Bf16.encode(Float.POSITIVE_INFINITY));
        assertEquals(0xFF80, Bf16.encode(Float.NEGATIVE_INFINITY));
        assertEquals(0x8000, Bf16.encode(-0.0f));
        assertEquals(0x7F80, Bf16.encode(Float.MAX_VALUE), "rounds beyond the largest bf16 to +inf, as PyTorch");
    }

    @Test
    void decodingIsExactAndRoundingIsWithinHalfAnUlp() {
        for (int b = 0; b < 1 << 16; b++) {
            float x = Bf16.decode(b);
            if (!Float.isNaN(x)) {
                assertEquals(b, Bf16.encode(x), "a bf16 value encodes to itself");
            }
        }
        java.util.Random rnd = new java.util.Random(14);
        for (int k = 0; k < 100_000; k++) {
            float x = (float) rnd.nextGaussian() * 1e3f;
            float y = Bf16.round(x);
            assertTrue(Math.abs(y - x) <= Math.ulp(x) * 32768f, x + " -> " + y);
        }
    }
}
