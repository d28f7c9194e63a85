package org.optim4j.quant;

import org.optim4j.spi.Buffer;
import org.optim4j.spi.FloatArrayBuffer;
import org.optim4j.spi.Kernel;
import org.optim4j.spi.StepScalars;

/**
 * Any float32 kernel run over compressed state, one block (of the state's {@link BlockPlan}, at most
 * {@value StateFormat#BLOCK} elements) at a time: the
 * block's state is decoded into float32 scratch arrays (θ and g copied beside it, so that the inner kernel sees
 * its usual buffers, indexed within the block), the inner kernel runs on the part of the block in
 * {@code [from, to)}, θ (or, for a look-ahead kernel, the point p) is copied back, and the block's state is
 * encoded again (a look-ahead kernel only reads state, which is then left as it was).
 *
 * <p>This is the reference of compressed state: the {@code scalar} backend runs every chain as this wrapper
 * around its {@link org.optim4j.spi.ComposedKernel}, and a backend's fused compressed kernels must give the
 * same bits as this wrapper around its own float32 kernel. A block is the unit of work: a range that cuts a block
 * still decodes and re-encodes the whole block (an int8 block's absmax covers all its elements), so a backend
 * that splits a compressed kernel across threads must cut at block boundaries.
 *
 * <p><b>Mixed precision</b> ({@link #mixed(Kernel, int)}): the gradient may be a {@link Bf16Buffer} (decoded
 * into the block's float32 g), and a last buffer after the state, a {@link Bf16Buffer} of the parameters' length,
 * (or a {@link Fp16Buffer}) receives θ rounded to bf16 (or float16), nearest even, in the same pass: the low-precision copy a forward pass reads, next
 * to the float32 master θ. The state may be compressed or float32.
 */
public final class CompressedKernel implements Kernel {
    private final Kernel inner;
    private final boolean lookahead;
    private final int stateCount;
    private final ThreadLocal<Scratch> scratch;

    private CompressedKernel(Kernel inner, int stateCount, boolean lookahead) {
        this.inner = inner;
        this.lookahead = lookahead;
        this.stateCount = stateCount;
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(2 + stateCount));
    }

    /**
     * A mixed-precision step kernel: buffers θ (float32 master), g (float32 or bf16), state…, and optionally a bf16
     * copy of θ written in the same pass.
     */
    public static CompressedKernel mixed(Kernel inner, int stateCount) {
        return new CompressedKernel(inner, stateCount, false);
    }

    /** A step kernel: buffers θ, g, state…; the state is re-encoded after each block. */
    public static CompressedKernel step(Kernel inner, int stateCount) {
        return new CompressedKernel(inner, stateCount, false);
    }

    /** A look-ahead kernel: buffers θ, p (written), state… (read only). */
    public static CompressedKernel lookahead(Kernel inner, int stateCount) {
        return new CompressedKernel(inner, stateCount, true);
    }

    public Kernel inner() {
        return inner;
    }

    @Override
    public void apply(StepScalars s, Buffer[] b, int from, int to) {
        if (from >= to) {
            return;
        }
        Scratch x = scratch.get();
        int written = lookahead ? 1 : 0;
        int states = 2 + stateCount; // buffers before the optional bf16 copy of θ
        Buffer copy = !lookahead && b.length > states ? b[states] : null;
        BlockPlan plan = blockPlan(b);
        for (int k = 2; k < states; k++) {
            if (b[k] instanceof CompressedBuffer c && c.blockPlan() != plan && !c.blockPlan().equals(plan)) {
                throw new IllegalArgumentException("state buffers " + b[2] + " and " + c + " are cut into "
                        + "different blocks; an optimizer's compressed state buffers share one block plan");
            }
        }
        for (int blk = plan.blockOf(from); blk < plan.blocks() && plan.start(blk) < to; blk++) {
            int start = plan.start(blk);
            int end = plan.end(blk);
            int lo = Math.max(from, start), hi = Math.min(to, end);
            load(b[0], x.f[0], start, lo, hi);
            load(b[1], x.f[1], start, lo, hi);
            for (int k = 2; k < states; k++) {
                if (b[k] instanceof CompressedBuffer c) {
                    c.decodeBlock(blk, x.f[k]);
                } else {
                    load(b[k], x.f[k], start, start, end);
                }
            }
            inner.apply(s, x.args, lo - start, hi - start);
            store(x.f[written], b[written], start, lo, hi);
            if (copy instanceof Bf16Buffer c) {
                char[] out = c.array();
                float[] theta = x.f[0];
                for (int i = lo; i < hi; i++) {
                    out[i] = (char) Bf16.encodeBits(Float.floatToRawIntBits(theta[i - start]));
                }
            } else if (copy instanceof Fp16Buffer c) {
                char[] out = c.array();
                float[] theta = x.f[0];
                for (int i = lo; i < hi; i++) {
                    out[i] = (char) Fp16.encode(theta[i - start]);
                }
            }
            if (!lookahead) {
                for (int k = 2; k < states; k++) {
                    if (b[k] instanceof CompressedBuffer c) {
                        c.encodeBlock(blk, x.f[k], s.step());
                    } else {
                        store(x.f[k], b[k], start, start, end);
                    }
                }
            }
        }
    }

    /**
     * The blocks a compressed kernel over {@code buffers} (θ, g, state…, [copy]) works in: the plan of the first
     * compressed state buffer (an optimizer's compressed state buffers share one), else uniform blocks over θ's
     * length (float32 state, mixed precision).
     */
    public static BlockPlan blockPlan(Buffer[] buffers) {
        for (int k = 2; k < buffers.length; k++) {
            if (buffers[k] instanceof CompressedBuffer c) {
                return c.blockPlan();
            }
        }
        return BlockPlan.uniform(buffers[0].length());
    }

    private static void load(Buffer src, float[] dst, int start, int lo, int hi) {
        if (src instanceof FloatArrayBuffer f) {
            System.arraycopy(f.array(), lo, dst, lo - start, hi - lo);
        } else if (src instanceof Bf16Buffer h) {
            QuantCodec.get().decodeBf16(h.array(), lo, dst, lo - start, hi - lo);
        } else {
            for (int i = lo; i < hi; i++) {
                dst[i - start] = (float) src.get(i);
            }
        }
    }

    private static void store(float[] src, Buffer dst, int start, int lo, int hi) {
        if (dst instanceof FloatArrayBuffer f) {
            System.arraycopy(src, lo - start, f.array(), lo, hi - lo);
        } else {
            for (int i = lo; i < hi; i++) {
                dst.set(i, src[i - start]);
            }
        }
    }

    /** One block of float32 scratch per buffer, per thread. */
    private static final class Scratch {
        final float[][] f;
        final Buffer[] args;

        Scratch(int buffers) {
            f = new float[buffers][StateFormat.BLOCK];
            args = new Buffer[buffers];
            for (int k = 0; k < buffers; k++) {
                args[k] = FloatArrayBuffer.wrap(f[k]);
            }
        }
    }
}
