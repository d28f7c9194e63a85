package org.optim4j.backends.simd;

import java.util.function.Predicate;
import java.util.function.Supplier;
import org.optim4j.rule.AdaGrad;
import org.optim4j.rule.Adam;
import org.optim4j.rule.AdamW;
import org.optim4j.rule.AdamWAmsGrad;
import org.optim4j.rule.AmsGrad;
import org.optim4j.rule.Lion;
import org.optim4j.rule.NAdam;
import org.optim4j.rule.RmsPropCentered;
import org.optim4j.rule.Momentum;
import org.optim4j.rule.Nesterov;
import org.optim4j.rule.RmsProp;
import org.optim4j.rule.Sgd;
import org.optim4j.rule.UpdateRule;
import org.optim4j.quant.BlockPlan;
import org.optim4j.quant.CompressedKernel;
import org.optim4j.quant.StateFormat;
import org.optim4j.schedule.Schedule;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.FloatArrayBuffer;
import org.optim4j.spi.HeapBackend;
import org.optim4j.spi.Kernel;
import org.optim4j.spi.KernelKey;
import org.optim4j.spi.Reductions;
import org.optim4j.spi.StepScalars;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code simd} backend: the same storage as the scalar reference ({@link FloatArrayBuffer}, a
 * {@code float[]} on the heap, so a caller's arrays are updated in place), with one fused,
 * auto-vectorised pass per rule ({@link SimdKernels}) split across threads for large buffers
 * ({@link RangeSplitter}). Results are bitwise identical whatever the thread count.
 *
 * <p>Holds {@code threads − 1} daemon worker threads; {@link #close()} stops them.
 */
public sealed class SimdBackend extends HeapBackend permits SimdSingleThreadBackend {
    public static final String NAME = "simd";
    /** System property setting the shared {@code simd} instance's thread count (default: every processor). */
    public static final String THREADS_PROPERTY = "optim4j.simd.threads";
    /**
     * Buffers shorter than this are updated by the calling thread alone by default (unless their kernel's
     * measured cost says splitting pays, see {@link #SimdBackend(int)}), so a 64K buffer is split in two. Measured for issue 3 (Adam, 1 vs 2 threads, 9 alternating rounds, same run, on the shared
     * 2-vCPU build machine): at 64K the median was equal (6218 vs 6221 Mparam/s) and the best 2-thread
     * round 8624 (when the other vCPU was free); 2 threads were never much slower with this hand-off.
     */
    public static final int DEFAULT_MIN_SPLIT = 32 * 1024;

    private static final Logger log = LoggerFactory.getLogger(SimdBackend.class);
    private final String name;
    private final RangeSplitter splitter;
    /** Per calling thread: the reduction pass and its block sums (reused, so a step allocates nothing). */
    private final ThreadLocal<BlockSums> blockSums = ThreadLocal.withInitial(BlockSums::new);

    /** Σx² of whole blocks, one sum per block; the splitter's workers read the fields the caller set before run. */
    private static final class BlockSums implements Kernel {
        float[] a;
        int from;
        int to;
        double[] sums = new double[0];

        int prepare(float[] array, int lo, int hi) {
            a = array;
            from = lo;
            to = hi;
            int blocks = (hi - lo + Reductions.BLOCK - 1) / Reductions.BLOCK;
            if (sums.length < blocks) {
                sums = new double[blocks];
            }
            return blocks;
        }

        /** Units (of the splitter's range) per block: enough for the splitter to cut a 16M pass into parts. */
        static final int UNITS = Reductions.BLOCK / 16;

        @Override
        public void apply(org.optim4j.spi.StepScalars s, Buffer[] b, int lo, int hi) {
            for (int blk = (lo + UNITS - 1) / UNITS; blk < (hi + UNITS - 1) / UNITS; blk++) {
                int start = from + blk * Reductions.BLOCK;
                sums[blk] = Reductions.block(a, start, Math.min(to, start + Reductions.BLOCK));
            }
        }
    }

    /**
     * Uses the thread count of the system property {@value #THREADS_PROPERTY} if set, else every available
     * processor ({@link Runtime#availableProcessors()}, however many). This is the shared instance that
     * {@code Backends.byName("simd")} returns.
     */
    public SimdBackend() {
        this(NAME, defaultThreads(), DEFAULT_MIN_SPLIT, true);
    }

    /**
     * Uses {@code threads} threads in all, the caller included ({@code 1}: no worker threads). Buffers of
     * {@value #DEFAULT_MIN_SPLIT} elements or more are split across them, and shorter ones (down to 4K elements)
     * when their kernel's measured time says the hand-off pays (e.g. Adam from about 6K elements, SGD not below
     * the default threshold).
     */
    public SimdBackend(int threads) {
        this(NAME, threads, DEFAULT_MIN_SPLIT, true);
    }

    /**
     * Uses {@code threads} threads in all (at least 1; no upper limit: one worker thread per thread beyond
     * the caller), and splits only buffers of at least {@code minSplitElements} elements (machines with idle
     * cores gain from a lower threshold).
     */
    public SimdBackend(int threads, int minSplitElements) {
        this(NAME, threads, minSplitElements);
    }

    /** A simd backend registered under another name ({@link SimdSingleThreadBackend}). */
    protected SimdBackend(String name, int threads, int minSplitElements) {
        this(name, threads, minSplitElements, false);
    }

    private SimdBackend(String name, int threads, int minSplitElements, boolean adaptiveSplit) {
        this.name = name;
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (minSplitElements < 0) {
            throw new IllegalArgumentException("minSplitElements must be >= 0, got " + minSplitElements);
        }
        this.splitter = new RangeSplitter(threads, minSplitElements, adaptiveSplit);
        put(new Sgd(ANY_RATE), SimdKernels::sgd);
        put(new Momentum(ANY_RATE, 0), SimdKernels::momentum);
        Nesterov nesterov = new Nesterov(ANY_RATE, 0);
        put(nesterov, SimdKernels::nesterov);
        register(KernelKey.lookahead(nesterov.transforms()), split(SimdKernels::nesterovLookahead));
        put(new AdaGrad(ANY_RATE, 1), SimdKernels::adaGrad);
        put(new RmsProp(ANY_RATE, 0, 1), SimdKernels::rmsProp);
        put(new Adam(ANY_RATE, 0, 0, 1), SimdKernels::adam, () -> VectorKernels::adam, () -> VectorInt8Kernels::adam);
        put(new AdamW(ANY_RATE, 0, 0, 1, 0), SimdKernels::adamW, () -> VectorKernels::adamW,
                () -> VectorInt8Kernels::adamW);
        put(new AmsGrad(ANY_RATE, 0, 0, 1), SimdKernels::amsGrad);
        put(new AdamWAmsGrad(ANY_RATE, 0, 0, 1, 0), SimdKernels::adamWAmsGrad);
        put(new NAdam(ANY_RATE, 0, 0, 1, 0), SimdKernels::nAdam);
        put(new Lion(ANY_RATE, 0, 0, 0), SimdKernels::lion);
        put(new RmsPropCentered(ANY_RATE, 0, 1, 0), SimdKernels::rmsPropCentered);
        put(new RmsPropCentered(ANY_RATE, 0, 1, 0.5), SimdKernels::rmsPropCenteredMomentum);
        registerCompressed(KernelKey.lookahead(nesterov.transforms()), SimdKernels::nesterovLookahead,
                nesterov.stateNames().size(), true, null, null);
    }

    /** The thread count of {@value #THREADS_PROPERTY}, or every processor when unset or not a positive integer. */
    static int defaultThreads() {
        int processors = Runtime.getRuntime().availableProcessors();
        String value = System.getProperty(THREADS_PROPERTY);
        if (value == null || value.isBlank()) {
            return processors;
        }
        try {
            int threads = Integer.parseInt(value.trim());
            if (threads >= 1) {
                return threads;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        // A constructor run by ServiceLoader cannot fail usefully: say what was wrong and go on.
        log.warn("Ignoring {}={}: not a positive integer; using {} threads", THREADS_PROPERTY, value, processors);
        return processors;
    }

    /** Any rate: a kernel is registered by its chain's key, which hyper-parameter values do not change. */
    private static final Schedule ANY_RATE = Schedule.constant(1);

    private void put(UpdateRule rule, Kernel rangeKernel) {
        put(rule, rangeKernel, null, null);
    }

    /**
     * As {@link #put(UpdateRule, Kernel)}, with fused compressed-state kernels: over bf16 state ({@link VectorKernels})
     * and over int8 state ({@link VectorInt8Kernels}), asked for only when {@link VectorSupport#AVAILABLE} (so their
     * classes are never loaded without {@code jdk.incubator.vector}).
     */
    private void put(UpdateRule rule, Kernel rangeKernel, Supplier<Kernel> vectorBf16, Supplier<Kernel> vectorInt8) {
        register(KernelKey.of(rule), split(rangeKernel));
        boolean vector = VectorSupport.AVAILABLE;
        registerCompressed(KernelKey.of(rule), rangeKernel, rule.stateNames().size(), false,
                vector && vectorBf16 != null ? vectorBf16.get() : null,
                vector && vectorInt8 != null ? vectorInt8.get() : null);
    }

    /**
     * The kernels of {@code key} over bf16 and int8 state: the float32 range kernel block by block over decoded
     * state ({@link CompressedKernel}, the reference's own wrapper, so the same bits as the reference's wrapper
     * around the same float32 arithmetic), split across threads at block boundaries. With {@code vectorBf16} (a
     * {@link VectorKernels} kernel, element-wise), bf16 state and mixed precision with bf16 state run it instead
     * whenever the buffers fit it; with {@code vectorInt8} (a {@link VectorInt8Kernels} kernel, block-wise), int8
     * state does.
     */
    private void registerCompressed(KernelKey key, Kernel rangeKernel, int states, boolean lookahead,
            Kernel vectorBf16, Kernel vectorInt8) {
        for (StateFormat f : new StateFormat[] {StateFormat.BF16, StateFormat.INT8}) {
            CompressedKernel k = lookahead ? CompressedKernel.lookahead(rangeKernel, states)
                    : CompressedKernel.step(rangeKernel, states);
            Kernel blocks = splitBlocks(k);
            if (f == StateFormat.BF16 && vectorBf16 != null) {
                blocks = orBlocks(split(vectorBf16), blocks, VectorKernels::fits);
            } else if (f == StateFormat.INT8 && vectorInt8 != null) {
                blocks = orBlocks(splitBlocks(vectorInt8), blocks, VectorInt8Kernels::fits);
            }
            register(f.key(key), blocks);
        }
        if (!lookahead) { // mixed precision: bf16 gradient in, float32 master and its bf16 copy out, any state format
            Kernel blocks = splitBlocks(CompressedKernel.mixed(rangeKernel, states));
            register(new KernelKey(key.value() + org.optim4j.Optimizer.MIXED),
                    vectorBf16 != null ? orBlocks(split(vectorBf16), blocks, VectorKernels::fits) : blocks);
        }
    }

    /** {@code fused} (already split across threads) when the buffers fit it, else the block-wise kernel. */
    private static Kernel orBlocks(Kernel fused, Kernel blocks, Predicate<Buffer[]> fits) {
        return (scalars, buffers, from, to) -> (fits.test(buffers) ? fused : blocks).apply(scalars, buffers, from, to);
    }

    private Kernel split(Kernel rangeKernel) {
        return new SplitKernel(rangeKernel);
    }

    /**
     * An element-wise kernel run through the splitter; a group's several ranges are split as one range of their
     * total length ({@link Ranges}), so 64 ranges of 2K are shared between threads where each alone would not be.
     */
    private final class SplitKernel implements Kernel {
        private final Kernel rangeKernel;
        /** Per calling thread (one kernel may serve several optimizers at once), reused from call to call. */
        private final ThreadLocal<Ranges> ranges;

        SplitKernel(Kernel rangeKernel) {
            this.rangeKernel = rangeKernel;
            this.ranges = ThreadLocal.withInitial(() -> new Ranges(rangeKernel));
        }

        @Override
        public void apply(StepScalars scalars, Buffer[] buffers, int from, int to) {
            splitter.run(rangeKernel, scalars, buffers, from, to);
        }

        @Override
        public void applyRanges(StepScalars scalars, Buffer[] buffers, int[] from, int[] to) {
            Ranges r = ranges.get();
            int total = r.set(from, to);
            try {
                splitter.run(r, scalars, buffers, 0, total);
            } finally {
                r.clear();
            }
        }
    }

    /**
     * Several ranges seen as one: element {@code i} of {@code [0, total)} is the {@code i}-th element of the ranges
     * in order. A part {@code [lo, hi)} runs the inner kernel over the pieces of the ranges it covers. The splitter
     * keys what it learns (part sizes, cost) by kernel identity, so one instance per kernel and thread is reused.
     */
    static final class Ranges implements Kernel {
        private final Kernel inner;
        private int[] from;
        private int[] to;
        /** starts[r]: where range r begins in [0, total). */
        private int[] starts = new int[0];
        private int count;

        Ranges(Kernel inner) {
            this.inner = inner;
        }

        /** Takes the ranges (not copied: valid for this call) and returns their total length. */
        int set(int[] from, int[] to) {
            this.from = from;
            this.to = to;
            this.count = from.length;
            if (starts.length < count) {
                starts = new int[count];
            }
            int total = 0;
            for (int r = 0; r < count; r++) {
                starts[r] = total;
                total += to[r] - from[r];
            }
            return total;
        }

        void clear() {
            from = null;
            to = null;
        }

        @Override
        public void apply(StepScalars scalars, Buffer[] buffers, int lo, int hi) {
            int r = java.util.Arrays.binarySearch(starts, 0, count, lo);
            if (r < 0) {
                r = -r - 2; // the range that contains lo (equal starts belong to empty ranges: any of them will do)
            }
            for (; r < count && starts[r] < hi; r++) {
                int a = Math.max(lo, starts[r]);
                int b = Math.min(hi, starts[r] + (to[r] - from[r]));
                if (a < b) {
                    inner.apply(scalars, buffers, from[r] + (a - starts[r]), from[r] + (b - starts[r]));
                }
            }
        }
    }

    /**
     * Splits a kernel over compressed state at block boundaries (a block is decoded and encoded whole, so two
     * threads must never share one; the blocks are the state's {@link BlockPlan}, aligned to tensors for int8 state
     * over a layout): the splitter cuts {@code [from, to)} anywhere, and each part runs from the first block start
     * at or after its own start to the first at or after its end, clipped to {@code [from, to)}.
     */
    private Kernel splitBlocks(Kernel blockKernel) {
        return (scalars, buffers, from, to) -> {
            if (from >= to) {
                return;
            }
            BlockParts parts = blockParts.get();
            parts.kernel = blockKernel;
            parts.plan = CompressedKernel.blockPlan(buffers);
            parts.from = from;
            parts.to = to;
            try {
                splitter.run(parts, scalars, buffers, from, to);
            } finally {
                parts.kernel = null;
                parts.plan = null;
            }
        };
    }

    /** Per calling thread: the block kernel and range of the current call (read by the parts' threads). */
    private final ThreadLocal<BlockParts> blockParts = ThreadLocal.withInitial(BlockParts::new);

    private static final class BlockParts implements Kernel {
        Kernel kernel;
        BlockPlan plan;
        int from;
        int to;

        @Override
        public void apply(org.optim4j.spi.StepScalars s, Buffer[] b, int lo, int hi) {
            int start = lo <= from ? from : Math.min(to, plan.ceilStart(lo));
            int end = hi >= to ? to : Math.min(to, plan.ceilStart(hi));
            if (start < end) {
                kernel.apply(s, b, start, end);
            }
        }
    }

    /** A composed chain is element-wise too: split it like a fused kernel (over compressed state, by whole blocks). */
    @Override
    public Kernel composed(Kernel composedKernel) {
        return composedKernel instanceof CompressedKernel ? splitBlocks(composedKernel) : split(composedKernel);
    }

    /** Every fused kernel here multiplies g by the gradient scale (or folds it into α). */
    @Override
    public boolean scalesGradient() {
        return true;
    }

    /**
     * Σg² split across threads by whole {@link Reductions#BLOCK blocks} (each summed by the thread whose part holds
     * its first unit), block sums added in block order: the same bits as
     * {@link Reductions#sumOfSquares(float[], int, int)} whatever the thread count.
     */
    @Override
    public double sumOfSquares(Buffer buffer, int from, int to) {
        if (!(buffer instanceof FloatArrayBuffer f) || to - from < DEFAULT_MIN_SPLIT || threads() == 1) {
            return Reductions.sumOfSquares(buffer, from, to);
        }
        BlockSums pass = blockSums.get();
        int blocks = pass.prepare(f.array(), from, to);
        // Each block is summed by the part that holds its first unit, wherever the splitter cuts.
        splitter.run(pass, null, null, 0, blocks * BlockSums.UNITS);
        double[] out = pass.sums;
        pass.a = null;
        double total = 0;
        for (int blk = 0; blk < blocks; blk++) {
            total += out[blk];
        }
        return total;
    }

    /** Threads used for large buffers, the caller included. */
    public int threads() {
        return splitter.threads();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        splitter.close();
    }

    @Override
    public String toString() {
        return name + "[" + threads() + " threads]";
    }
}
