package org.optim4j.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optim4j.Optimizer;
import org.optim4j.ParameterSet;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.checkpoint.Checkpoint;
import org.optim4j.rule.Adam;
import org.optim4j.rule.Momentum;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.FloatArrayBuffer;
import org.optim4j.state.Range;

/**
 * Int8 state over a layout of tensors whose moments differ by orders of magnitude (a network's weights and
 * biases): blocks never cross a tensor, and a small tensor keeps float32 state (bitsandbytes' per-tensor state and
 * {@code min_8bit_size}).
 */
class Int8TensorBlocksTest {
    static final double ALPHA = 1e-3;
    /**
     * Adam moves a parameter by about α a step, in int8 by up to a few % more (r's quantization error, √-ed); a
     * second moment lost to 0 moves it by ~10²–10⁴·α.
     */
    static final double SLACK = 1.25;

    /** W1 (8192), b1 (128), W2 (8192): the MLP's pattern, b1 in the block that W2 starts in on a flat buffer. */
    static ParameterSet mlpLike() {
        return ParameterSet.builder().add("W1", 64, 128).add("b1", 128).add("W2", 128, 64)
                .build(new ScalarBackend());
    }

    /** Weights' gradients ~ N(0, 1), the bias's ~ N(0, 1e-8): its r is ~1e-9 of its neighbours'. */
    static float[] gradient(ParameterSet p, long seed) {
        Random r = new Random(seed);
        float[] g = new float[p.size()];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) r.nextGaussian();
        }
        ParameterSet.Tensor b = p.tensor("b1");
        for (int i = b.offset(); i < b.offset() + b.length(); i++) {
            g[i] *= 1e-4f;
        }
        return g;
    }

    /**
     * Adam moves a parameter by at most ~α a step; with the bias's r quantized to 0 in a block whose absmax is its
     * neighbour's (and its s not), the step is s/ε: ~10⁴·α. On main's flat blocks this fails at the first step.
     */
    @Test
    void aSmallTensorWithTinyMomentsNextToALargeOneKeepsItsSecondMoment() {
        ParameterSet params = mlpLike();
        Optimizer opt = Optimizer.builder(Adam.of(ALPHA)).backend(new ScalarBackend()).layout(params)
                .stateFormat(StateFormat.INT8).build();
        ParameterSet.Tensor b = params.tensor("b1");
        float[] before = params.toArray("b1");
        for (int t = 0; t < 3; t++) {
            opt.step(params.flat(), FloatArrayBuffer.wrap(gradient(params, 10 + t)));
            float[] r = opt.state().buffer("r").toFloatArray();
            for (int i = b.offset(); i < b.offset() + b.length(); i++) {
                assertTrue(r[i] > 0, "step " + t + ": r of b1[" + (i - b.offset()) + "] is " + r[i]);
            }
        }
        float[] after = params.toArray("b1");
        for (int i = 0; i < after.length; i++) {
            double moved = Math.abs(after[i] - before[i]);
            assertTrue(moved <= 3 * ALPHA * SLACK, "b1[" + i + "] moved by " + moved + " in 3 steps of α = " + ALPHA);
        }
    }

    /**
     * The same failure inside one tensor, which blocks per tensor cannot help (the MLP's W1 and W2 had ~100 such
     * elements a step: a weight whose input pixel is rarely on): an r under half the unsigned map's smallest
     * positive entry (3.25e-7·absmax) rounds to 0 while s (signed map, down to 5.5e-7·absmax, and |s| ≫ r) does
     * not. A positive second moment is stored as at least that entry, never as 0.
     */
    @Test
    void aTinySecondMomentInsideAQuantizedBlockIsNotStoredAsZero() {
        ParameterSet params = ParameterSet.builder().add("w", 64, 128).build(new ScalarBackend());
        Optimizer opt = Optimizer.builder(Adam.of(ALPHA)).backend(new ScalarBackend()).layout(params)
                .stateFormat(StateFormat.INT8).build();
        float[] before = params.flat().toFloatArray();
        for (int t = 0; t < 3; t++) {
            float[] g = CompressedStateTest.random(10 + t, params.size(), 1);
            for (int i = 0; i < 100; i++) {
                g[i * 64] *= 1e-4f; // one in 64 elements, in every block
            }
            opt.step(params.flat(), FloatArrayBuffer.wrap(g));
            float[] r = opt.state().buffer("r").toFloatArray();
            for (int i = 0; i < 100; i++) {
                assertTrue(r[i * 64] > 0, "step " + t + ": r[" + i * 64 + "] is " + r[i * 64]);
            }
        }
        float[] after = params.flat().toFloatArray();
        for (int i = 0; i < after.length; i++) {
            double moved = Math.abs(after[i] - before[i]);
            assertTrue(moved <= 3 * ALPHA * SLACK, "w[" + i + "] moved by " + moved + " in 3 steps of α = " + ALPHA);
        }
        // only second moments (unsigned map) are floored: s, signed, still rounds what is under its range to 0
        Int8BlockBuffer s = new Int8BlockBuffer(10, DynamicMap.SIGNED), r = new Int8BlockBuffer(10, DynamicMap.UNSIGNED);
        float[] x = {1, 1e-9f, 0, 0.5f, 0, 0, 0, 0, 0, 0};
        s.copyFrom(x);
        r.copyFrom(x);
        assertEquals(0, s.get(1));
        assertEquals(DynamicMap.UNSIGNED.values()[1], (float) r.get(1), "the smallest positive entry (× absmax 1)");
        assertEquals(0, r.get(2), "a zero stays 0");
    }

    static int[][] blocks(BlockPlan p) {
        int[][] out = new int[p.blocks()][];
        for (int b = 0; b < p.blocks(); b++) {
            out[b] = new int[] {p.start(b), p.end(b), p.float32(b) ? 1 : 0};
        }
        return out;
    }

    static BlockPlan plan(Optimizer opt) {
        BlockPlan s = ((Int8BlockBuffer) opt.state().buffer("s")).blockPlan();
        assertSame(s, ((Int8BlockBuffer) opt.state().buffer("r")).blockPlan(), "s and r share one plan");
        return s;
    }

    /** The MLP's layout (64-128-64-10): its two weight matrices quantized from their own starts, the rest float32. */
    @Test
    void theMlpsWeightsAreQuantizedPerTensorAndItsSmallTensorsKeptInFloat32() {
        ParameterSet mlp = ParameterSet.builder().add("W1", 128, 64).add("b1", 128).add("W2", 64, 128).add("b2", 64)
                .add("W3", 10, 64).add("b3", 10).build(new ScalarBackend());
        Optimizer opt = Optimizer.builder(Adam.of(1e-3)).backend(new ScalarBackend()).layout(mlp)
                .stateFormat(StateFormat.INT8).build();
        int[][] expected = {
            {0, 2048, 0}, {2048, 4096, 0}, {4096, 6144, 0}, {6144, 8192, 0}, // W1
            {8192, 8320, 1},                                                  // b1
            {8320, 10368, 0}, {10368, 12416, 0}, {12416, 14464, 0}, {14464, 16512, 0}, // W2
            {16512, 16576, 1}, {16576, 17216, 1}, {17216, 17226, 1}};         // b2, W3, b3
        assertArrayEquals(expected, blocks(plan(opt)));
        assertEquals(842, plan(opt).float32Elements());

        // 0 quantizes every tensor, still from its own start
        Optimizer all = Optimizer.builder(Adam.of(1e-3)).backend(new ScalarBackend()).layout(mlp)
                .stateFormat(StateFormat.INT8).int8MinTensorSize(0).build();
        assertEquals(12, plan(all).blocks());
        assertEquals(0, plan(all).float32Elements());
        assertEquals(8192, plan(all).start(4));
        assertEquals(8320, plan(all).start(5));

        // without a layout: blocks of 2048 over the whole buffer, as before
        Optimizer flat = Optimizer.builder(Adam.of(1e-3)).backend(new ScalarBackend()).parameterCount(mlp.size())
                .stateFormat(StateFormat.INT8).build();
        assertTrue(plan(flat).isUniform(), plan(flat).toString());
        assertEquals(9, plan(flat).blocks());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizer.builder(Adam.of(1e-3)).int8MinTensorSize(-1));
        assertEquals("int8MinTensorSize must be >= 0, got -1", e.getMessage());
    }

    @Test
    void aGroupRangeStartsABlockWithoutALayout() {
        Optimizer opt = Optimizer.builder(Adam.of(1e-3)).backend(new ScalarBackend()).parameterCount(5000)
                .group("g", Momentum.of(0.1, 0.9), List.of(new Range(3000, 3100))).stateFormat(StateFormat.INT8)
                .build();
        assertArrayEquals(new int[][] {{0, 2048, 0}, {2048, 3000, 0}, {3000, 3100, 0}, {3100, 5000, 0}},
                blocks(plan(opt)));
    }

    @Test
    void aPlanIsCheckedAndEqualsByContent() {
        assertEquals(BlockPlan.uniform(5000), BlockPlan.aligned(5000, new int[] {0}, new int[] {4096}, new int[0], 10));
        assertTrue(BlockPlan.aligned(5000, new int[] {0}, new int[] {4096}, new int[0], 10).isUniform());
        BlockPlan p = BlockPlan.aligned(5000, new int[] {0, 100}, new int[] {100, 4900}, new int[0], 1000);
        assertArrayEquals(new int[][] {{0, 100, 1}, {100, 2148, 0}, {2148, 4196, 0}, {4196, 5000, 0}}, blocks(p));
        assertEquals(p, BlockPlan.of(new int[] {100, 2048, 2048, 804}, new boolean[] {true, false, false, false}));
        assertEquals(p.hashCode(), BlockPlan.of(new int[] {100, 2048, 2048, 804},
                new boolean[] {true, false, false, false}).hashCode());
        assertFalse(p.equals(BlockPlan.of(new int[] {100, 2048, 2048, 804}, new boolean[] {false, false, false, false})));
        assertEquals(3, p.blockOf(4196));
        assertEquals(2, p.blockOf(4195));
        assertEquals(0, p.blockOf(99));
        assertEquals(100, p.ceilStart(1));
        assertEquals(100, p.ceilStart(100));
        assertEquals(5000, p.ceilStart(4197));
        assertEquals("tensor 1 at 50 overlaps the tensor before it, which ends at 100", assertThrows(
                IllegalArgumentException.class, () -> BlockPlan.aligned(5000, new int[] {0, 50}, new int[] {100, 10},
                        new int[0], 0)).getMessage());
        assertEquals("block 1 has 2049 elements; a block has 1 to 2048", assertThrows(IllegalArgumentException.class,
                () -> BlockPlan.of(new int[] {1, 2049}, new boolean[2])).getMessage());
        assertEquals("minQuantizedSize must be >= 0, got -2", assertThrows(IllegalArgumentException.class,
                () -> BlockPlan.aligned(10, new int[0], new int[0], new int[0], -2)).getMessage());
    }

    /** A layout of large and small tensors, two groups: b1 and part of W2 in the momentum group. */
    static Optimizer.Builder twoGroups(ParameterSet p, UpdateRule adam) {
        return Optimizer.builder(adam).backend(new ScalarBackend()).layout(p)
                .group("momentum", Momentum.of(0.05, 0.9), List.of(new Range(8192, 9000)));
    }

    /**
     * Exactness over the new blocks: a step is the float32 step from the decoded state, then encoded; the small
     * tensor's state (float32 blocks) is exactly the float32 optimizer's, step after step.
     */
    @Test
    void aStepOverAlignedBlocksIsTheFloat32StepOnDecodedStateThenEncoded() {
        ParameterSet pq = mlpLike(), pf = mlpLike();
        UpdateRule adam = new Adam(Schedule.linearDecay(1e-2, 1e-3, 10), 0.9, 0.999, 1e-8);
        Optimizer q = twoGroups(pq, adam).stateFormat(StateFormat.INT8).build();
        Optimizer f = twoGroups(pf, adam).build();
        ParameterSet pw = mlpLike(); // float32 all along, never fed decoded state
        Optimizer wholeOpt = twoGroups(pw, adam).build();
        float[] theta0 = CompressedStateTest.random(1, pq.size(), 1);
        pq.flat().copyFrom(theta0);
        pf.flat().copyFrom(theta0);
        pw.flat().copyFrom(theta0);
        ParameterSet.Tensor b1 = pq.tensor("b1");
        for (int t = 0; t < 6; t++) {
            float[] g = gradient(pq, 100 + t);
            for (int k = 0; k < 2; k++) {
                f.state().buffers().get(k).copyFrom(q.state().buffers().get(k).toFloatArray());
            }
            q.step(pq.flat(), FloatArrayBuffer.wrap(g));
            f.step(pf.flat(), FloatArrayBuffer.wrap(g.clone()));
            wholeOpt.step(pw.flat(), FloatArrayBuffer.wrap(g.clone()));
            assertArrayEquals(pf.flat().toFloatArray(), pq.flat().toFloatArray(), "θ at step " + t);
            for (int k = 0; k < 2; k++) {
                CompressedBuffer expected = ((CompressedBuffer) q.state().buffers().get(k)).copy();
                expected.copyFrom(f.state().buffers().get(k).toFloatArray());
                assertTrue(expected.sameStorage((CompressedBuffer) q.state().buffers().get(k)),
                        q.state().names().get(k) + " at step " + t);
            }
            // b1 (float32 blocks) follows the float32 optimizer exactly, state and θ
            for (String name : List.of("s", "r")) {
                float[] a = q.state().buffer(name).toFloatArray(), w = wholeOpt.state().buffer(name).toFloatArray();
                assertArrayEquals(java.util.Arrays.copyOfRange(w, b1.offset(), b1.offset() + b1.length()),
                        java.util.Arrays.copyOfRange(a, b1.offset(), b1.offset() + b1.length()), name + " of b1");
            }
            assertArrayEquals(pw.toArray("b1"), pq.toArray("b1"), "θ of b1 at step " + t);
        }
    }

    /** v4 stores the plan; a resumed run continues bit for bit; the file holds floats for b1 and codes for W1, W2. */
    @Test
    void checkpointsStoreThePlanAndResumeBitForBit(@TempDir Path dir) throws IOException {
        ParameterSet p = mlpLike();
        UpdateRule adam = Adam.of(1e-2);
        Optimizer a = twoGroups(p, adam).stateFormat(StateFormat.INT8).build();
        p.flat().copyFrom(CompressedStateTest.random(1, p.size(), 1));
        for (int t = 0; t < 3; t++) {
            a.step(p.flat(), FloatArrayBuffer.wrap(gradient(p, 10 + t)));
        }
        Path file = dir.resolve("c.ckpt");
        Checkpoint.capture(a, p.flat()).write(file);
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(4, ByteBuffer.wrap(bytes, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt(), "format version 4");
        int n = p.size(), blocks = plan(a).blocks(), floats = plan(a).float32Elements();
        long state = 2L * (1 + 4 + 9L * blocks + (n - floats) + 4L * floats);
        assertTrue(bytes.length < state + 4L * n + 2000 && bytes.length > state + 4L * n,
                bytes.length + " bytes: state stored as codes and b1's floats");

        Checkpoint cp = Checkpoint.read(file);
        ParameterSet q = mlpLike();
        Optimizer b = twoGroups(q, cp.snapshot().groups().get(0).rule()).stateFormat(StateFormat.INT8).build();
        cp.restore(b, q.flat());
        for (int k = 0; k < 2; k++) {
            assertTrue(((CompressedBuffer) a.state().buffers().get(k)).sameStorage(
                    (CompressedBuffer) b.state().buffers().get(k)), "state restored as stored");
        }
        for (int t = 3; t < 6; t++) {
            float[] g = gradient(p, 10 + t);
            a.step(p.flat(), FloatArrayBuffer.wrap(g));
            b.step(q.flat(), FloatArrayBuffer.wrap(g.clone()));
        }
        assertArrayEquals(p.flat().toFloatArray(), q.flat().toFloatArray(), "resumed run equals the uninterrupted one");

        // into an optimizer cut otherwise (every tensor quantized): as float32 values, encoded in its blocks
        Optimizer c = twoGroups(mlpLike(), cp.snapshot().groups().get(0).rule()).stateFormat(StateFormat.INT8)
                .int8MinTensorSize(0).build();
        cp.restore(c, mlpLike().flat());
        assertEquals(0, plan(c).float32Elements());
        Buffer expected = new Int8BlockBuffer(plan(c), DynamicMap.UNSIGNED);
        expected.copyFrom(cp.snapshot().state("r").toFloatArray());
        assertTrue(((CompressedBuffer) expected).sameStorage((CompressedBuffer) c.state().buffer("r")));
    }

    /**
     * A version-3 file (int8 over blocks of 2048 across the whole buffer) written by the build before this change
     * (GenV3.java.txt beside it): read; into an optimizer whose blocks are those (no float32 tensors) it restores as
     * stored and takes the writer's next step bit for bit; into today's default (b kept in float32) it goes as its
     * float32 values, b exactly, w re-encoded into the same blocks.
     */
    @Test
    void aVersion3FileIsReadAndResumes(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("adam-int8-v3.ckpt");
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream(
                "/fixtures/checkpoint-v3/adam-int8-v3.ckpt"))) {
            Files.copy(in, f);
        }
        int[] next;
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream(
                "/fixtures/checkpoint-v3/adam-int8-v3.next-theta.txt"))) {
            String[] words = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim().split(" ");
            next = java.util.Arrays.stream(words).mapToInt(Integer::parseInt).toArray();
        }
        Checkpoint cp = Checkpoint.read(f);
        assertEquals(3, cp.step());
        assertEquals(4128, next.length);
        for (int minSize : new int[] {0, Optimizer.DEFAULT_INT8_MIN_TENSOR_SIZE}) {
            ParameterSet p = ParameterSet.builder().add("w", 64, 64).add("b", 32).build(new ScalarBackend());
            Optimizer opt = Optimizer.builder(cp.rule()).backend(new ScalarBackend()).layout(p)
                    .stateFormat(StateFormat.INT8).int8MinTensorSize(minSize).build();
            cp.restore(opt, p.flat());
            float[] r = cp.snapshot().state("r").toFloatArray(), mine = opt.state().buffer("r").toFloatArray();
            if (minSize == 0) {
                assertTrue(plan(opt).isUniform());
                for (String name : List.of("s", "r")) {
                    assertTrue(((CompressedBuffer) cp.snapshot().state(name).compressedUnsafe()).sameStorage(
                            (CompressedBuffer) opt.state().buffer(name)), name + " restored as stored");
                }
                float[] theta = ((FloatArrayBuffer) p.flat()).array();
                float[] g = new float[theta.length];
                for (int i = 0; i < g.length; i++) {
                    g[i] = (float) (Math.sin(0.37 * i + 3) * (i >= 4096 ? 1e-3 : 1));
                }
                opt.step(theta, g);
                int[] bits = new int[theta.length];
                for (int i = 0; i < bits.length; i++) {
                    bits[i] = Float.floatToRawIntBits(theta[i]);
                }
                assertArrayEquals(next, bits, "the step after a v3 restore is the one its writer took");
            } else {
                assertEquals(32, plan(opt).float32Elements());
                assertArrayEquals(java.util.Arrays.copyOfRange(r, 4096, 4128),
                        java.util.Arrays.copyOfRange(mine, 4096, 4128), "b: the stored values, exactly");
                float max = 0, diff = 0;
                for (int i = 0; i < 4096; i++) {
                    max = Math.max(max, Math.abs(r[i]));
                    diff = Math.max(diff, Math.abs(r[i] - mine[i]));
                }
                assertTrue(diff <= 0.02f * max, "w re-encoded within a quantization step: " + diff + " of " + max);
            }
        }
    }
}
