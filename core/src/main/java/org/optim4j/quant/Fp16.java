package org.optim4j.quant;

/**
 * IEEE 754 binary16 (half precision) with integer operations (Java 17 has no float16 conversions): round to
 * nearest even, subnormals kept, values from 65520 up become ±∞, NaN becomes the quiet NaN 0x7E00 with its sign,
 * as PyTorch's {@code c10::detail::fp16_ieee_from_fp32_value}; {@code Fp16Test} checks 20,000 conversions made by
 * PyTorch 1.13 bit for bit.
 */
public final class Fp16 {
    private Fp16() {
    }

    /** The float16 bits (0 … 0xFFFF) of {@code x}. */
    public static int encode(float x) {
        int bits = Float.floatToRawIntBits(x);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7FFFFFFF;
        if (abs > 0x7F800000) {
            return sign | 0x7E00;
        }
        if (abs >= 0x477FF000) { // 65520 and above round to infinity
            return sign | 0x7C00;
        }
        if (abs < 0x38800000) { // below 2^-14: a subnormal half, a multiple of 2^-24 (the scaling is exact)
            return sign | (int) Math.rint(Float.intBitsToFloat(abs) * 0x1p24f);
        }
        int m = abs - 0x38000000; // exponent rebiased from 127 to 15
        return sign | ((m + 0xFFF + ((m >>> 13) & 1)) >>> 13);
    }

    /** The float32 value of float16 bits (exact). */
    public static float decode(int h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        if (exp == 31) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
