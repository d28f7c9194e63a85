package org.optim4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.optim4j.ParameterSet;
import org.optim4j.spi.Backend;

/**
 * What one benchmark updates: a layout of tensors (the JMH {@code size} parameter) and seeded data.
 *
 * <p>Size names: a plain number is one tensor of that many parameters; {@code 256x65536} is 256 tensors
 * of 64K; {@code mixed} is tensors of odd sizes ({@link #MIXED}); {@code gpt12x768} is the tensors of a stack of
 * 12 GPT-2 transformer blocks of width 768 ({@link #transformer}: 144 tensors, 85,054,464 parameters; embeddings
 * and the final layer norm left out). Several tensors are laid out in one
 * flat buffer ({@link ParameterSet}), so one optimizer call updates them all.
 *
 * <p>The data: θ₀ and g uniform in [−1, 1) from a fixed seed, so every implementation in a run (and
 * every run) sees the same numbers; g is never zero in practice and nothing decays towards denormals.
 */
public final class Workload {
    /** Odd tensor sizes of the {@code mixed} layout (about 1.48M parameters in all). */
    static final int[] MIXED = {3, 7, 13, 127, 1000, 4097, 65537, 100003, 262147, 1048577};
    private static final long SEED = 20261128L;

    private final String size;
    private final int[] tensorLengths;
    private final int total;

    private Workload(String size, int[] tensorLengths) {
        this.size = size;
        this.tensorLengths = tensorLengths;
        long sum = 0;
        for (int n : tensorLengths) {
            sum += n;
        }
        if (sum > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("size '" + size + "' has " + sum + " parameters, too many for one buffer");
        }
        this.total = (int) sum;
    }

    /**
     * Parses a size name.
     *
     * @throws IllegalArgumentException naming the text when it is none of the forms above
     */
    public static Workload of(String size) {
        if (size == null) {
            throw new IllegalArgumentException("size must not be null");
        }
        String s = size.trim();
        try {
            if (s.equals("mixed")) {
                return new Workload(s, MIXED.clone());
            }
            if (s.startsWith("gpt")) {
                int x = s.indexOf('x');
                return new Workload(s, transformer(Integer.parseInt(s.substring(3, x)), Integer.parseInt(s.substring(x + 1))));
            }
            int x = s.indexOf('x');
            if (x > 0) {
                int count = Integer.parseInt(s.substring(0, x));
                int length = Integer.parseInt(s.substring(x + 1));
                if (count < 1 || length < 1) {
                    throw new NumberFormatException();
                }
                int[] lengths = new int[count];
                java.util.Arrays.fill(lengths, length);
                return new Workload(s, lengths);
            }
            int n = Integer.parseInt(s);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return new Workload(s, new int[] {n});
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size must be a positive count, 'COUNTxLENGTH', 'mixed' or 'gptLAYERSxWIDTH',"
                    + " got '" + size + "'");
        }
    }

    /**
     * The tensor lengths of {@code layers} GPT-2 blocks of width {@code d}, in the order of PyTorch's
     * {@code named_parameters()} for Hugging Face's {@code GPT2Block}: ln_1 (weight, bias), attn.c_attn (d×3d, 3d),
     * attn.c_proj (d×d, d), ln_2 (weight, bias), mlp.c_fc (d×4d, 4d), mlp.c_proj (4d×d, d).
     */
    static int[] transformer(int layers, int d) {
        if (layers < 1 || d < 1) {
            throw new NumberFormatException();
        }
        int[] block = {d, d, d * 3 * d, 3 * d, d * d, d, d, d, d * 4 * d, 4 * d, 4 * d * d, d};
        int[] lengths = new int[layers * block.length];
        for (int l = 0; l < layers; l++) {
            System.arraycopy(block, 0, lengths, l * block.length, block.length);
        }
        return lengths;
    }

    /** The size name this workload was parsed from. */
    public String size() {
        return size;
    }

    /** Total number of parameters. */
    public int parameters() {
        return total;
    }

    /** Number of tensors. */
    public int tensors() {
        return tensorLengths.length;
    }

    /** The tensors laid out in one flat buffer of {@code backend}, zero-filled. */
    public ParameterSet layout(Backend backend) {
        ParameterSet.Builder b = ParameterSet.builder();
        for (int i = 0; i < tensorLengths.length; i++) {
            b.add("t" + i, tensorLengths[i]);
        }
        return b.build(backend);
    }

    /** The seeded initial parameters θ₀, over the flat layout. */
    public float[] initialParameters() {
        return uniform(SEED);
    }

    /** The seeded gradient g, over the flat layout. */
    public float[] gradient() {
        return uniform(SEED + 1);
    }

    private float[] uniform(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] a = new float[total];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return a;
    }

    /** A short label for tables: 4K, 64K, 1M, 16M, 256×64K, mixed. */
    public static String label(String size) {
        Workload w = of(size);
        if (w.tensors() == 1) {
            return human(w.parameters());
        }
        if (size.equals("mixed") || size.startsWith("gpt")) {
            return size;
        }
        return w.tensors() + "x" + human(w.tensorLengths[0]);
    }

    static String human(int n) {
        if (n >= 1 << 20 && n % (1 << 20) == 0) {
            return (n >> 20) + "M";
        }
        if (n >= 1 << 10 && n % (1 << 10) == 0) {
            return (n >> 10) + "K";
        }
        return Integer.toString(n);
    }

    /** The tensor sizes, for a description. */
    public List<Integer> tensorLengths() {
        List<Integer> l = new ArrayList<>();
        for (int n : tensorLengths) {
            l.add(n);
        }
        return l;
    }
}
