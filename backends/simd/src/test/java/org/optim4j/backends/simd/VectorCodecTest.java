package org.optim4j.backends.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.optim4j.quant.DynamicMap;
import org.optim4j.quant.QuantCodec;

/** {@link VectorCodec} gives {@link QuantCodec#SCALAR}'s bits for every input class, at every offset and length. */
class VectorCodecTest {
    static QuantCodec vector;

    @BeforeAll
    static void needsTheModule() {
        assumeTrue(VectorSupportTest.MODULE, "jdk.incubator.vector not present");
        vector = new VectorCodec();
    }

    /** Edge cases: ±0, ±∞, NaNs with payloads and signs, the largest finite values, subnormals, and per bf16 value the
     * floats just below, at and above each rounding tie. */
    static float[] edgeFloats() {
        List<Integer> bits = new ArrayList<>();
        for (int h = 0; h < 1 << 16; h++) {
            int base = h << 16;
            for (int low : new int[] {0, 1, 0x7FFF, 0x8000, 0x8001, 0xFFFF}) {
                bits.add(base | low);
            }
        }
        for (int b : new int[] {0x7F800001, 0x7FC00000, 0xFFC00001, 0x7FFFFFFF, 0xFF800001, 0x7F7FFFFF, 0x7F7F8000,
                0x7F7F7FFF, 0x00000001, 0x807FFFFF}) {
            bits.add(b);
        }
        float[] out = new float[bits.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.intBitsToFloat(bits.get(i));
        }
        return out;
    }

    @Test
    void bf16EncodingMatchesTheScalarCodec() {
        float[] x = edgeFloats();
        SplittableRandom rnd = new SplittableRandom(1);
        float[] random = new float[1 << 20];
        for (int i = 0; i < random.length; i++) {
            random[i] = Float.intBitsToFloat(rnd.nextInt());
        }
        for (float[] src : new float[][] {x, random}) {
            for (int[] range : new int[][] {{0, src.length}, {3, src.length - 3}, {5, 13}, {1, 0}}) {
                char[] a = new char[src.length], b = new char[src.length];
                QuantCodec.SCALAR.encodeBf16(src, range[0], a, range[0], range[1]);
                vector.encodeBf16(src, range[0], b, range[0], range[1]);
                assertArrayEquals(a, b, "from " + range[0] + ", count " + range[1]);
            }
        }
    }

    @Test
    void bf16DecodingMatchesTheScalarCodec() {
        char[] all = new char[1 << 16];
        for (int h = 0; h < all.length; h++) {
            all[h] = (char) h;
        }
        for (int from : new int[] {0, 1, 7}) {
            int count = all.length - from - 2;
            float[] a = new float[all.length], b = new float[all.length];
            QuantCodec.SCALAR.decodeBf16(all, from, a, 2, count);
            vector.decodeBf16(all, from, b, 2, count);
            for (int i = 0; i < a.length; i++) {
                assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), "element " + i);
            }
        }
    }

    /** Blocks of every kind: random scales, exact thresholds and their neighbours, zeros, ∞, NaN, short tails. */
    @Test
    void int8MatchesTheScalarCodec() {
        SplittableRandom rnd = new SplittableRandom(2);
        List<float[]> blocks = new ArrayList<>();
        for (int scale = -40; scale <= 40; scale += 4) {
            float[] b = new float[2048];
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) (rnd.nextGaussian() * Math.pow(2, scale));
            }
            blocks.add(b);
        }
        for (DynamicMap map : new DynamicMap[] {DynamicMap.SIGNED, DynamicMap.UNSIGNED}) {
            float[] t = map.thresholds();
            float[] b = new float[3 * 255 + 1];
            for (int k = 0; k < 255; k++) { // with absmax 1, x/absmax = x: every threshold is hit exactly
                b[3 * k] = Math.nextDown(t[k]);
                b[3 * k + 1] = t[k];
                b[3 * k + 2] = Math.nextUp(t[k]);
            }
            b[b.length - 1] = 1f;
            blocks.add(b);
        }
        float[] tail = new float[2047];
        for (int i = 0; i < tail.length; i++) {
            tail[i] = (float) rnd.nextGaussian();
        }
        blocks.add(tail);
        blocks.add(new float[2048]);
        blocks.add(new float[] {0, -0f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1e-45f});
        float[] inf = tail.clone();
        inf[100] = Float.NEGATIVE_INFINITY;
        blocks.add(inf);
        float[] nan = tail.clone();
        nan[7] = Float.intBitsToFloat(0x7FC00123);
        nan[1500] = Float.NaN;
        blocks.add(nan);
        blocks.add(new float[] {0.5f, -0.25f, 3});
        for (DynamicMap map : new DynamicMap[] {DynamicMap.SIGNED, DynamicMap.UNSIGNED}) {
            for (float[] src : blocks) {
                for (int from : new int[] {0, 1}) {
                    int count = src.length - from;
                    byte[] a = new byte[src.length + 4], b = new byte[src.length + 4];
                    float ma = QuantCodec.SCALAR.encodeInt8(map, src, from, count, a, 2);
                    float mb = vector.encodeInt8(map, src, from, count, b, 2);
                    String what = map + ", block of " + src.length + " from " + from;
                    assertEquals(Float.floatToRawIntBits(ma), Float.floatToRawIntBits(mb), what + ": absmax");
                    assertArrayEquals(a, b, what + ": codes");
                    float[] da = new float[src.length + 3], db = new float[src.length + 3];
                    QuantCodec.SCALAR.decodeInt8(map, a, 2, ma, da, 3, count);
                    vector.decodeInt8(map, b, 2, mb, db, 3, count);
                    for (int i = 0; i < da.length; i++) {
                        assertEquals(Float.floatToRawIntBits(da[i]), Float.floatToRawIntBits(db[i]), what + " [" + i + "]");
                    }
                }
            }
        }
    }

    /** Every one of the 256 codes decodes as the scalar codec does, with several scales. */
    @Test
    void int8DecodingCoversEveryCode() {
        byte[] codes = new byte[256 + 5];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (byte) i;
        }
        for (DynamicMap map : new DynamicMap[] {DynamicMap.SIGNED, DynamicMap.UNSIGNED}) {
            for (float absmax : new float[] {1, 3.7e-5f, 1e30f, 0}) {
                float[] a = new float[codes.length], b = new float[codes.length];
                QuantCodec.SCALAR.decodeInt8(map, codes, 0, absmax, a, 0, codes.length);
                vector.decodeInt8(map, codes, 0, absmax, b, 0, codes.length);
                for (int i = 0; i < a.length; i++) {
                    assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), map + " code " + i);
                }
            }
        }
    }
}
