package org.optim4j.quant;

import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bulk conversions of compressed state: bf16 ranges to and from float32, and an int8 block's codes to and from
 * float32. {@link Bf16Buffer}, {@link Int8BlockBuffer} (through {@link DynamicMap}) and {@link CompressedKernel} call
 * them for whole blocks, so a faster implementation speeds every rule over compressed state at once.
 *
 * <p>The default, {@link #SCALAR}, is plain Java (JDK 17's C2 does not vectorise a loop that moves bits between
 * float and int, nor a table lookup). A jar on the class path may offer another through {@link ServiceLoader}
 * ({@code META-INF/services/org.optim4j.quant.QuantCodec$Provider}; {@code optim4j-simd} offers a
 * {@code jdk.incubator.vector} one when that module is present): it must give the same bits as {@link #SCALAR} for
 * every input, NaN included. {@link #get()} is the one in use, chosen once.
 */
public interface QuantCodec {

    /** {@code dst[dstAt + k] = Bf16.decode(src[from + k])} for k in [0, count). */
    void decodeBf16(char[] src, int from, float[] dst, int dstAt, int count);

    /** {@code dst[to + k] = Bf16.encode(src[srcAt + k])} for k in [0, count) (nearest even, NaN to 0x7FC0). */
    void encodeBf16(float[] src, int srcAt, char[] dst, int to, int count);

    /** {@code dst[dstAt + k] = map[codes[codeAt + k] & 0xFF] · absmax} for k in [0, count). */
    void decodeInt8(DynamicMap map, byte[] codes, int codeAt, float absmax, float[] dst, int dstAt, int count);

    /**
     * Encodes {@code src[from, from + count)} as one int8 block: returns its absmax (max |x| as
     * {@code Math.max(m, Math.abs(x))} from m = 0 in index order, so NaN's bits are that first NaN's) and, unless it is
     * 0, writes {@code codes[codeAt + k] = map.quantize(src[from + k] / absmax)}; an all-zero block gets the map's
     * zero code.
     */
    float encodeInt8(DynamicMap map, float[] src, int from, int count, byte[] codes, int codeAt);

    /** A source of a faster codec, asked once; {@link #codec()} is null when it cannot run here. */
    interface Provider {
        QuantCodec codec();
    }

    /** The codec in use: the first provider's that can run here, else {@link #SCALAR}. */
    static QuantCodec get() {
        return CodecChoice.CODEC;
    }

    /** Plain Java: the definition the others must match bit for bit. */
    QuantCodec SCALAR = new QuantCodec() {
        @Override
        public void decodeBf16(char[] src, int from, float[] dst, int dstAt, int count) {
            for (int k = 0; k < count; k++) {
                dst[dstAt + k] = Float.intBitsToFloat(src[from + k] << 16);
            }
        }

        @Override
        public void encodeBf16(float[] src, int srcAt, char[] dst, int to, int count) {
            for (int k = 0; k < count; k++) {
                dst[to + k] = (char) Bf16.encodeBits(Float.floatToRawIntBits(src[srcAt + k]));
            }
        }

        @Override
        public void decodeInt8(DynamicMap map, byte[] codes, int codeAt, float absmax, float[] dst, int dstAt,
                int count) {
            map.decodeBlockScalar(codes, codeAt, absmax, dst, dstAt, count);
        }

        @Override
        public float encodeInt8(DynamicMap map, float[] src, int from, int count, byte[] codes, int codeAt) {
            return map.encodeBlockScalar(src, from, count, codes, codeAt);
        }

        @Override
        public String toString() {
            return "scalar";
        }
    };
}

/** Chooses the codec once, on first use. */
final class CodecChoice {
    private static final Logger log = LoggerFactory.getLogger(QuantCodec.class);
    static final QuantCodec CODEC = choose();

    private CodecChoice() {
    }

    private static QuantCodec choose() {
        for (QuantCodec.Provider p : ServiceLoader.load(QuantCodec.Provider.class)) {
            QuantCodec c = p.codec();
            if (c != null) {
                log.debug("Compressed-state codec: {}", c);
                return c;
            }
        }
        return QuantCodec.SCALAR;
    }
}
