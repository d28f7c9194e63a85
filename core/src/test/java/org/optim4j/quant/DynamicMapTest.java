package org.optim4j.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The dynamic maps and block-wise quantization against the transcription of bitsandbytes run under PyTorch 1.13
 * ({@code fixtures/quant/generate_quant.py}), bit for bit; and the fast bucket search against the binary search.
 */
class DynamicMapTest {

    @Test
    void mapsAreBitsandbytesDynamicMaps() throws IOException {
        check(DynamicMap.SIGNED, QuantFixtures.lines("dynamic_map_signed.txt"));
        check(DynamicMap.UNSIGNED, QuantFixtures.lines("dynamic_map_unsigned.txt"));
        assertEquals(1.0f, DynamicMap.SIGNED.value(255));
        assertEquals(0.0f, DynamicMap.UNSIGNED.value(0));
        assertEquals(0.0f, DynamicMap.SIGNED.value(DynamicMap.SIGNED.zeroCode()));
        assertTrue(DynamicMap.SIGNED.value(0) > -1f, "bitsandbytes' signed map has no -1: " + DynamicMap.SIGNED.value(0));
    }

    private static void check(DynamicMap map, List<String> lines) {
        assertEquals(256, lines.size());
        for (int i = 0; i < 256; i++) {
            assertEquals(lines.get(i), String.format("%08x", Float.floatToRawIntBits(map.value(i))), "entry " + i);
        }
    }

    @Test
    void bucketSearchEqualsBinarySearchEverywhere() {
        for (DynamicMap map : new DynamicMap[] {DynamicMap.SIGNED, DynamicMap.UNSIGNED}) {
            // both ends of every bucket inside [-1, 1], their neighbours, and every map entry ± 1 ulp
            for (int b = 0; b < 1 << 16; b++) {
                for (int bits : new int[] {b << 16, (b << 16) | 0xFFFF, (b << 16) | 0x8000, (b << 16) + 1}) {
                    float x = Float.intBitsToFloat(bits);
                    if (Math.abs(x) <= 1f) {
                        assertEquals(map.quantizeReference(x), map.quantize(x), map + " at " + x);
                    }
                }
            }
            for (int i = 0; i < 256; i++) {
                float v = map.value(i);
                for (float x : new float[] {v, Math.nextUp(v), Math.nextDown(v),
                        i < 255 ? (v + map.value(i + 1)) / 2 : v}) {
                    if (Math.abs(x) <= 1f) {
                        assertEquals(map.quantizeReference(x), map.quantize(x), map + " at " + x);
                    }
                }
            }
            Random rnd = new Random(14);
            for (int k = 0; k < 2_000_000; k++) {
                float x = map.signed() ? rnd.nextFloat() * 2 - 1 : rnd.nextFloat();
                if (k % 2 == 0) {
                    x = (float) (x * Math.pow(10, -rnd.nextInt(8)));
                }
                assertEquals(map.quantizeReference(x), map.quantize(x), map + " at " + x);
            }
        }
    }

    @Test
    void blockwiseQuantizationIsBitsandbytesQuantizeBlock() throws IOException {
        blockwise(DynamicMap.SIGNED, "blockwise_signed.txt");
        blockwise(DynamicMap.UNSIGNED, "blockwise_unsigned.txt");
    }

    private static void blockwise(DynamicMap map, String fixture) throws IOException {
        List<String> lines = QuantFixtures.lines(fixture);
        String[] absmax = lines.get(0).substring(2).split(" ");
        int n = lines.size() - 1;
        float[] values = new float[n];
        int[] codes = new int[n];
        for (int i = 0; i < n; i++) {
            String[] p = lines.get(i + 1).split(" ");
            values[i] = Float.intBitsToFloat(QuantFixtures.hex(p[0]));
            codes[i] = Integer.parseInt(p[1]);
        }
        // the map's block encoding is bitsandbytes' exactly
        int blocks = (n + StateFormat.BLOCK - 1) / StateFormat.BLOCK;
        byte[] mapCodes = new byte[n];
        float[] mapAbsmax = new float[blocks];
        for (int b = 0; b < blocks; b++) {
            int from = b * StateFormat.BLOCK, to = Math.min(n, from + StateFormat.BLOCK);
            map.encodeBlock(values, from, to, mapCodes, from, mapAbsmax, b);
        }
        Int8BlockBuffer buffer = new Int8BlockBuffer(n, map);
        buffer.copyFrom(values);
        assertEquals(absmax.length, buffer.blocks());
        for (int b = 0; b < absmax.length; b++) {
            assertEquals(absmax[b], String.format("%08x", Float.floatToRawIntBits(mapAbsmax[b])), "absmax " + b);
            assertEquals(absmax[b], String.format("%08x", Float.floatToRawIntBits(buffer.absmax()[b])), "absmax " + b);
        }
        int negativeAbsmax = 0, floored = 0;
        for (int i = 0; i < n; i++) {
            assertEquals(codes[i], mapCodes[i] & 0xFF, fixture + " element " + i + " = " + values[i]);
            // the buffer stores a positive second moment that bitsandbytes rounds to 0 as the smallest positive entry
            boolean floor = !map.signed() && codes[i] == map.zeroCode() && values[i] > 0;
            floored += floor ? 1 : 0;
            assertEquals(floor ? codes[i] + 1 : codes[i], buffer.codes()[i] & 0xFF, fixture + " element " + i + " = "
                    + values[i] + " in the buffer");
            if (codes[i] == 0 && map.signed()) {
                negativeAbsmax++;
            }
        }
        if (map.signed()) {
            assertTrue(negativeAbsmax > 0, "the fixture has a block whose absmax is negative");
        } else {
            assertTrue(floored > 0, "the fixture has positive values that bitsandbytes rounds to 0");
        }
    }

    @Test
    void anAllZeroBlockStoresZeroesAndReadsZero() {
        Int8BlockBuffer b = new Int8BlockBuffer(3000, DynamicMap.SIGNED);
        float[] v = new float[3000];
        v[2500] = -2f;
        b.copyFrom(v);
        assertEquals(0f, b.absmax()[0]);
        for (int i = 0; i < 2048; i++) {
            assertEquals(0.0, b.get(i));
        }
        assertEquals(2f * DynamicMap.SIGNED.value(0), (float) b.get(2500), "-2 is the block's absmax: the map's lowest entry");
    }
}
