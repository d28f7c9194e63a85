package org.optim4j.quant;

import java.util.Arrays;

/**
 * How a compressed state buffer of {@code length} elements is cut into blocks, the unit that is decoded and encoded
 * whole (an int8 block shares one absmax) and that threads never share. Every block has 1 to
 * {@value StateFormat#BLOCK} elements; blocks follow each other without gaps from element 0.
 *
 * <ul>
 *   <li>{@link #uniform(int)}: blocks of {@value StateFormat#BLOCK} from element 0, the last partial (a buffer
 *       without a tensor layout; bf16 state, which has no per-block scale, always).</li>
 *   <li>{@link #aligned(int, int[], int[], int[], int)}: int8 state over a layout, as bitsandbytes' 8-bit
 *       optimizers keep it (state per tensor, {@code Optimizer8bit.init_state}): each tensor (and each parameter
 *       group's range) starts a new block, so one absmax never covers two tensors, and a tensor of fewer than
 *       {@code minQuantizedSize} elements (bitsandbytes' {@code min_8bit_size}, 4096) keeps float32 state: its
 *       blocks are {@linkplain #float32(int) float32 blocks}, stored as floats beside the codes.</li>
 * </ul>
 *
 * Immutable; equality is by content (a uniform plan equals an aligned one that cuts the same blocks).
 */
public final class BlockPlan {
    private final int length;
    /** Block starts, then {@code length}: blocks + 1 entries; null for a uniform plan. */
    private final int[] starts;
    /** Per block: its offset in the float32 storage, or −1 for a quantized block; null when no block is float32. */
    private final int[] float32At;
    private final int float32Elements;

    private BlockPlan(int length, int[] starts, int[] float32At, int float32Elements) {
        this.length = length;
        this.starts = starts;
        this.float32At = float32At;
        this.float32Elements = float32Elements;
    }

    /** Blocks of {@value StateFormat#BLOCK} over {@code [0, length)}, the last partial. */
    public static BlockPlan uniform(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, got " + length);
        }
        return new BlockPlan(length, null, null, 0);
    }

    /**
     * Blocks aligned to tensors: a block starts at every tensor's offset and end and at every one of {@code cuts}
     * (parameter groups' range bounds), and at most every {@value StateFormat#BLOCK} elements in between. The
     * elements of a tensor shorter than {@code minQuantizedSize} are float32 blocks. Elements in no tensor (or
     * every element, when {@code tensorOffsets} is empty) are quantized. A plan that cuts exactly the uniform
     * blocks and keeps nothing in float32 is returned {@linkplain #isUniform() uniform}.
     *
     * @param tensorOffsets the tensors' first elements, with {@code tensorLengths} their lengths: non-overlapping
     *                      ranges within {@code [0, length)}
     * @param cuts          further block starts within {@code [0, length]}
     * @throws IllegalArgumentException naming the first bad value
     */
    public static BlockPlan aligned(int length, int[] tensorOffsets, int[] tensorLengths, int[] cuts,
                                    int minQuantizedSize) {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, got " + length);
        }
        if (minQuantizedSize < 0) {
            throw new IllegalArgumentException("minQuantizedSize must be >= 0, got " + minQuantizedSize);
        }
        if (tensorOffsets.length != tensorLengths.length) {
            throw new IllegalArgumentException(tensorOffsets.length + " tensor offsets but " + tensorLengths.length
                    + " lengths");
        }
        // Tensors by offset (empty ones cut nothing), checked for overlaps.
        Integer[] order = new Integer[tensorOffsets.length];
        for (int t = 0; t < order.length; t++) {
            int from = tensorOffsets[t];
            if (from < 0 || tensorLengths[t] < 0 || (long) from + tensorLengths[t] > length) {
                throw new IllegalArgumentException("tensor " + t + " [" + from + ", " + ((long) from + tensorLengths[t])
                        + ") is outside [0, " + length + ")");
            }
            order[t] = t;
        }
        Arrays.sort(order, (x, y) -> Integer.compare(tensorOffsets[x], tensorOffsets[y]));
        int[] points = new int[2 + 2 * order.length + cuts.length];
        int n = 0;
        points[n++] = 0;
        points[n++] = length;
        int previousEnd = 0;
        for (int t : order) {
            if (tensorLengths[t] == 0) {
                continue;
            }
            if (tensorOffsets[t] < previousEnd) {
                throw new IllegalArgumentException("tensor " + t + " at " + tensorOffsets[t]
                        + " overlaps the tensor before it, which ends at " + previousEnd);
            }
            previousEnd = tensorOffsets[t] + tensorLengths[t];
            points[n++] = tensorOffsets[t];
            points[n++] = previousEnd;
        }
        for (int c : cuts) {
            if (c < 0 || c > length) {
                throw new IllegalArgumentException("cut " + c + " is outside [0, " + length + "]");
            }
            points[n++] = c;
        }
        points = Arrays.stream(points, 0, n).sorted().distinct().toArray();
        // Each segment between two points is in one tensor or in none; its blocks start at the segment's start.
        int[] starts = new int[0];
        int[] at = new int[0];
        int blocks = 0, floats = 0, tensor = 0;
        for (int j = 0; j + 1 < points.length; j++) {
            int from = points[j], to = points[j + 1];
            while (tensor < order.length && (tensorLengths[order[tensor]] == 0
                    || tensorOffsets[order[tensor]] + tensorLengths[order[tensor]] <= from)) {
                tensor++;
            }
            boolean wide = tensor < order.length && tensorOffsets[order[tensor]] <= from
                    && tensorLengths[order[tensor]] < minQuantizedSize;
            for (int i = from; i < to; i += StateFormat.BLOCK) {
                if (blocks == starts.length) {
                    starts = Arrays.copyOf(starts, Math.max(16, 2 * blocks));
                    at = Arrays.copyOf(at, starts.length);
                }
                starts[blocks] = i;
                at[blocks] = wide ? floats : -1;
                floats += wide ? Math.min(to, i + StateFormat.BLOCK) - i : 0;
                blocks++;
            }
        }
        starts = Arrays.copyOf(starts, blocks + 1);
        starts[blocks] = length;
        at = Arrays.copyOf(at, blocks);
        BlockPlan uniform = uniform(length);
        BlockPlan plan = new BlockPlan(length, starts, floats > 0 ? at : null, floats);
        return plan.equals(uniform) ? uniform : plan;
    }

    /**
     * The plan of these blocks, in order from element 0 (a checkpoint's stored plan): block {@code b} has
     * {@code lengths[b]} elements (1 to {@value StateFormat#BLOCK}) and is kept in float32 if {@code float32[b]}.
     *
     * @throws IllegalArgumentException naming the first bad length, or if the arrays' lengths differ
     */
    public static BlockPlan of(int[] lengths, boolean[] float32) {
        if (lengths.length != float32.length) {
            throw new IllegalArgumentException(lengths.length + " block lengths but " + float32.length + " kinds");
        }
        int[] starts = new int[lengths.length + 1];
        int[] at = new int[lengths.length];
        long total = 0;
        int floats = 0;
        for (int b = 0; b < lengths.length; b++) {
            if (lengths[b] < 1 || lengths[b] > StateFormat.BLOCK) {
                throw new IllegalArgumentException("block " + b + " has " + lengths[b] + " elements; a block has 1 to "
                        + StateFormat.BLOCK);
            }
            starts[b] = (int) total;
            total += lengths[b];
            if (total > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("blocks cover more than " + (Integer.MAX_VALUE - 8) + " elements");
            }
            at[b] = float32[b] ? floats : -1;
            floats += float32[b] ? lengths[b] : 0;
        }
        starts[lengths.length] = (int) total;
        BlockPlan plan = new BlockPlan((int) total, starts, floats > 0 ? at : null, floats);
        BlockPlan uniform = uniform((int) total);
        return plan.equals(uniform) ? uniform : plan;
    }

    /** Elements covered. */
    public int length() {
        return length;
    }

    /** Number of blocks. */
    public int blocks() {
        return starts == null ? (length + StateFormat.BLOCK - 1) / StateFormat.BLOCK : starts.length - 1;
    }

    /** The first element of block {@code b}. */
    public int start(int b) {
        return starts == null ? b * StateFormat.BLOCK : starts[b];
    }

    /** The element after block {@code b}'s last. */
    public int end(int b) {
        return starts == null ? Math.min(length, (b + 1) * StateFormat.BLOCK) : starts[b + 1];
    }

    /** The block holding element {@code i} (0 ≤ i &lt; length). */
    public int blockOf(int i) {
        if (starts == null) {
            return i / StateFormat.BLOCK;
        }
        int k = Arrays.binarySearch(starts, 0, starts.length - 1, i);
        return k >= 0 ? k : -k - 2;
    }

    /**
     * The first block start at or after {@code i} ({@code length} when none): where a range split across threads
     * may be cut.
     */
    public int ceilStart(int i) {
        if (i >= length) {
            return length;
        }
        int b = blockOf(i);
        return start(b) == i ? i : end(b);
    }

    /** Whether block {@code b} is kept in float32 (a tensor under the minimum size) rather than quantized. */
    public boolean float32(int b) {
        return float32At != null && float32At[b] >= 0;
    }

    /** Where block {@code b}'s values start in the float32 storage (a {@link #float32(int) float32 block}). */
    public int float32Offset(int b) {
        return float32At[b];
    }

    /** Elements kept in float32 (the float32 storage's length). */
    public int float32Elements() {
        return float32Elements;
    }

    /** True for blocks of {@value StateFormat#BLOCK} from element 0 with nothing in float32. */
    public boolean isUniform() {
        return starts == null;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof BlockPlan p) || p.length != length || p.blocks() != blocks()
                || p.float32Elements != float32Elements) {
            return false;
        }
        if (starts == null && p.starts == null) {
            return true;
        }
        for (int b = 0; b < blocks(); b++) {
            if (p.start(b) != start(b) || p.float32(b) != float32(b)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = length * 31 + blocks();
        for (int b = 0; b < blocks(); b++) {
            h = h * 31 + start(b) * 2 + (float32(b) ? 1 : 0);
        }
        return h;
    }

    @Override
    public String toString() {
        return isUniform() ? "blocks of " + StateFormat.BLOCK + " over " + length
                : blocks() + " blocks aligned to tensors over " + length + ", " + float32Elements + " in float32";
    }
}
