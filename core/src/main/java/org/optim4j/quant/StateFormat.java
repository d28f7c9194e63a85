package org.optim4j.quant;

import java.util.Locale;
import org.optim4j.spi.KernelKey;

/**
 * How an optimizer stores its state buffers (s, r, …). Arithmetic is float32 in every format: state is decoded
 * when read and encoded when stored; the update of θ in a step uses the new state before it is encoded (as
 * bitsandbytes' 8-bit optimizers do), the next step starts from the stored, encoded value.
 *
 * <ul>
 *   <li>{@link #FLOAT32}: 4 bytes per element, exact (the default);</li>
 *   <li>{@link #BF16}: bfloat16, the upper half of a float32, rounded to nearest even on store
 *       ({@link Bf16}): 2 bytes per element;</li>
 *   <li>{@link #INT8}: Dettmers et al. 2022 8-bit block-wise state: per block of at most {@value #BLOCK} elements
 *       an absmax scale (float32) and one byte per element, the index of the nearest entry of bitsandbytes'
 *       dynamic map (signed for s, unsigned for second moments) ({@link DynamicMap}): 1 + 4/2048 bytes. Over a
 *       tensor layout the blocks follow the tensors and small tensors stay float32 ({@link BlockPlan}).</li>
 * </ul>
 */
public enum StateFormat {
    FLOAT32("f32"),
    BF16("bf16"),
    INT8("int8");

    /**
     * Elements per block (at most, for int8 blocks aligned to tensors): the int8 scale's block, and the unit in which
     * compressed state is split across threads.
     */
    public static final int BLOCK = 2048;

    private final String id;

    StateFormat(String id) {
        this.id = id;
    }

    /** The short name: {@code f32}, {@code bf16}, {@code int8} (command line, kernel keys, checkpoints). */
    public String id() {
        return id;
    }

    /** Bytes of storage per state element. */
    public double bytesPerElement() {
        return switch (this) {
            case FLOAT32 -> 4;
            case BF16 -> 2;
            case INT8 -> 1 + 4.0 / BLOCK;
        };
    }

    /**
     * The key under which a backend registers the fused kernel of {@code key}'s chain with state in this format:
     * the key itself for float32, else {@code key@bf16} or {@code key@int8}.
     */
    public KernelKey key(KernelKey key) {
        return this == FLOAT32 ? key : new KernelKey(key.value() + "@" + id);
    }

    /**
     * The format named {@code name} ({@code f32}/{@code float32}, {@code bf16}, {@code int8}, any case).
     *
     * @throws IllegalArgumentException naming the value and the accepted names
     */
    public static StateFormat parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (StateFormat f : values()) {
            if (f.id.equals(n) || f.name().toLowerCase(Locale.ROOT).equals(n)) {
                return f;
            }
        }
        throw new IllegalArgumentException("state format '" + name + "' is not one of f32, bf16, int8");
    }
}
