package org.optim4j.backends;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.optim4j.Optimizer;
import org.optim4j.ParameterSet;
import org.optim4j.backend.Backends;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.backends.BackendParityTest.Config;
import org.optim4j.backends.nd4j.Nd4jBackend;
import org.optim4j.backends.simd.SimdBackend;
import org.optim4j.quant.CompressedBuffer;
import org.optim4j.quant.StateFormat;
import org.optim4j.rule.Adam;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.KernelKey;
import org.optim4j.transform.ClipByGlobalNorm;
import org.optim4j.transform.Transform;

/**
 * The parity machinery of {@link BackendParityTest} over compressed state: every configuration of its registry
 * (so every registered rule) in bf16 and int8, on {@code simd} with 1, 2 and 3 threads.
 *
 * <ol>
 *   <li><b>Exact</b>: one compressed step on simd is, bit for bit, simd's float32 step from the decoded state
 *       followed by the encoding (θ and the stored codes compared at every step): the quantization is the
 *       reference's ({@link org.optim4j.quant.CompressedKernel}) whatever the kernel and the thread split.</li>
 *   <li><b>Against the scalar reference</b> (which evaluates in double): float32 vs double arithmetic moves a value
 *       across a rounding boundary of the compressed format now and then, after which the two runs keep a
 *       difference of one quantization step in that element. So the float32 tolerance of BackendParityTest must
 *       hold for all but a small share of elements (bf16: 2%, int8: 5%), and no element may be further off than a
 *       few quantization steps (bf16: 2% of |ref| + rms; int8: 10%).</li>
 * </ol>
 */
class CompressedStateParityTest {
    /**
     * The registry's configurations but those with a per-tensor reduction (LAMB): compressed state and stepMixed
     * refuse them ({@link #perTensorReductionsAreRefused}).
     */
    static final List<Config> COMPRESSIBLE = BackendParityTest.REGISTRY.stream().filter(c -> c.rule().transforms()
            .stream().noneMatch(t -> t.reduction() == Transform.Reduction.PER_TENSOR_NORMS)).toList();

    @Test
    void perTensorReductionsAreRefused() {
        List<Config> refused = BackendParityTest.REGISTRY.stream().filter(c -> !COMPRESSIBLE.contains(c)).toList();
        assertTrue(!refused.isEmpty(), "the registry has no per-tensor reduction to refuse");
        for (Config c : refused) {
            for (StateFormat f : FORMATS) {
                assertThrows(IllegalArgumentException.class, () -> start(SIMD.get(0), c, 4097, f), c.label());
            }
            Run r = start(SIMD.get(0), c, 4097, StateFormat.FLOAT32);
            float[] before = r.theta().toFloatArray();
            org.optim4j.quant.Bf16Buffer g16 = new org.optim4j.quant.Bf16Buffer(4097);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> r.opt().stepMixed(r.theta(), g16, null), c.label());
            assertTrue(e.getMessage().contains("stepMixed does not support"), e.getMessage());
            assertArrayEquals(before, r.theta().toFloatArray(), "nothing modified");
            assertEquals(0, r.opt().state().step());
        }
    }

    static final StateFormat[] FORMATS = {StateFormat.BF16, StateFormat.INT8};
    /** The size that stands for {@link #smallNetwork}: a layout whose int8 blocks follow its tensors. */
    static final int SMALL_NETWORK = -2;
    static final int[] SIZES = {1, 17, 2049, 4097, 65537, SMALL_NETWORK};
    static final List<SimdBackend> SIMD = List.of(new SimdBackend(1), new SimdBackend(2, 128), new SimdBackend(3, 128));

    @AfterAll
    static void close() {
        SIMD.forEach(SimdBackend::close);
    }

    record Run(Buffer theta, Optimizer opt) {
    }

    /**
     * A small network's tensors, at unaligned offsets: W1 (5120) and W2 (4880) over 4096 elements (int8 per tensor,
     * each ending in a partial block), the biases and W3 under it (float32 in int8 state).
     */
    static ParameterSet smallNetwork(Backend backend) {
        return ParameterSet.builder().add("W1", 80, 64).add("b1", 80).add("W2", 61, 80).add("b2", 61)
                .add("W3", 10, 61).add("b3", 10).build(backend);
    }

    /**
     * An optimizer over {@code size} elements, or over the layout of {@link BackendParityTest#manyTensors} (256
     * tensors of 4096, int8 per tensor, and small ones) or of {@link #smallNetwork}, which it is built with.
     */
    static Run start(Backend backend, Config c, int size, StateFormat format) {
        Buffer theta;
        ParameterSet layout = null;
        if (size == BackendParityTest.MANY || size == SMALL_NETWORK) {
            layout = size == SMALL_NETWORK ? smallNetwork(backend) : BackendParityTest.manyTensors(backend);
            theta = layout.flat();
        } else {
            theta = backend.allocate(size);
        }
        int n = theta.length();
        theta.copyFrom(BackendParityTest.fill(1, n));
        Optimizer.Builder b = Optimizer.builder(c.rule()).backend(backend).stateFormat(format);
        Optimizer opt = (layout != null ? b.layout(layout) : b.parameterCount(n)).build();
        return new Run(theta, opt);
    }

    static void step(Run r, Config c, int t) {
        if (c.specForm()) {
            r.opt().step(r.theta(), BackendParityTest.GRADIENT);
        } else {
            Buffer g = r.opt().newBuffer();
            g.copyFrom(BackendParityTest.fill(100 + t, r.theta().length()));
            r.opt().step(r.theta(), g);
        }
    }

    @TestFactory
    Stream<DynamicNode> aCompressedStepIsTheFloat32StepOnDecodedStateThenEncodedBitForBit() {
        return COMPRESSIBLE.stream().map(c -> DynamicContainer.dynamicContainer(c.label(),
                Arrays.stream(FORMATS).flatMap(f -> SIMD.stream().map(b -> DynamicTest.dynamicTest(
                        f.id() + " " + b, () -> {
                            for (int size : new int[] {17, 4097, 65537, SMALL_NETWORK}) {
                                exact(b, c, size, f);
                            }
                        })))));
    }

    static void exact(Backend backend, Config c, int size, StateFormat format) {
        Run q = start(backend, c, size, format);
        Run f = start(backend, c, size, StateFormat.FLOAT32);
        List<Buffer> qs = q.opt().state().buffers(), fs = f.opt().state().buffers();
        for (int t = 0; t < 4; t++) {
            for (int k = 0; k < qs.size(); k++) {
                fs.get(k).copyFrom(qs.get(k).toFloatArray());
            }
            step(q, c, t);
            step(f, c, t);
            String what = c + ", " + format.id() + ", n=" + size + ", " + backend + ", step " + t;
            if (t == 0 && size == SMALL_NETWORK && format == StateFormat.INT8 && !qs.isEmpty()
                    && qs.get(0) instanceof CompressedBuffer cq) {
                assertEquals(10, cq.blocks(), what + ": W1 3 blocks, W2 3, the rest one float32 block each");
            }
            assertArrayEquals(f.theta().toFloatArray(), q.theta().toFloatArray(), what + ": θ");
            for (int k = 0; k < qs.size(); k++) {
                if (qs.get(k) instanceof CompressedBuffer cq) {
                    CompressedBuffer expected = cq.copy();
                    expected.copyFrom(fs.get(k).toFloatArray());
                    assertTrue(expected.sameStorage(cq), what + ": " + q.opt().state().names().get(k));
                } else {
                    assertArrayEquals(fs.get(k).toFloatArray(), qs.get(k).toFloatArray(), what);
                }
            }
        }
    }

    @TestFactory
    Stream<DynamicNode> everyRuleInEveryFormatIsCloseToTheScalarReference() {
        return COMPRESSIBLE.stream().map(c -> DynamicContainer.dynamicContainer(c.label(),
                Arrays.stream(FORMATS).flatMap(f -> Arrays.stream(SIZES).mapToObj(size -> DynamicTest.dynamicTest(
                        f.id() + (size == SMALL_NETWORK ? " small network" : " n=" + BackendParityTest.sizeOf(size)), () -> {
                            List<float[]> ref = result(new ScalarBackend(), c, size, f);
                            for (SimdBackend b : SIMD) {
                                close(ref, result(b, c, size, f), c + ", " + f.id() + ", " + b, f);
                            }
                        })))));
    }

    static List<float[]> result(Backend backend, Config c, int size, StateFormat format) {
        Run r = start(backend, c, size, format);
        for (int t = 0; t < BackendParityTest.STEPS; t++) {
            step(r, c, t);
        }
        List<float[]> out = new ArrayList<>(List.of(r.theta().toFloatArray()));
        r.opt().state().buffers().forEach(b -> out.add(b.toFloatArray()));
        return out;
    }

    static void close(List<float[]> expected, List<float[]> actual, String what, StateFormat format) {
        double share = format == StateFormat.BF16 ? 0.02 : 0.05;
        double far = format == StateFormat.BF16 ? 0.02 : 0.10;
        for (int k = 0; k < expected.size(); k++) {
            float[] e = expected.get(k), a = actual.get(k);
            double sum = 0;
            for (float v : e) {
                sum += (double) v * v;
            }
            double rms = e.length == 0 ? 0 : Math.sqrt(sum / e.length);
            int outside = 0;
            for (int i = 0; i < e.length; i++) {
                double err = Math.abs(a[i] - e[i]), scale = Math.abs(e[i]) + rms;
                if (!(err <= BackendParityTest.REL * scale)) {
                    outside++;
                    if (!(err <= far * scale)) {
                        fail(String.format("%s buffer %d [%d] = %.9g, reference %.9g: more than %.0f%% of |ref| + rms",
                                what, k, i, a[i], e[i], far * 100));
                    }
                }
            }
            assertTrue(outside <= Math.max(1, share * e.length), what + " buffer " + k + ": " + outside + " of "
                    + e.length + " elements outside the float32 tolerance");
        }
    }

    /** Twelve blocks and a partial one: every thread count cuts it at other block boundaries. */
    static final int SPLIT_SIZE = 12 * StateFormat.BLOCK + 1001;

    /**
     * Splitting across threads at block boundaries changes no bit (a many-tensor layout, whose int8 blocks follow
     * its tensors, and a small network's included).
     */
    @Test
    void theThreadSplitChangesNoBit() {
        for (StateFormat f : FORMATS) {
            for (Config c : COMPRESSIBLE) {
                List<float[]> one = result(SIMD.get(0), c, SPLIT_SIZE, f);
                for (SimdBackend b : SIMD.subList(1, SIMD.size())) {
                    List<float[]> other = result(b, c, SPLIT_SIZE, f);
                    for (int k = 0; k < one.size(); k++) {
                        assertArrayEquals(one.get(k), other.get(k), c + ", " + f.id() + ", " + b + ", buffer " + k);
                    }
                    List<float[]> net = result(b, c, SMALL_NETWORK, f);
                    List<float[]> netOne = result(SIMD.get(0), c, SMALL_NETWORK, f);
                    for (int k = 0; k < net.size(); k++) {
                        assertArrayEquals(netOne.get(k), net.get(k), c + ", small network, " + f.id() + ", " + b);
                    }
                    if (c == BackendParityTest.REGISTRY.get(0) || c.rule() instanceof Adam) {
                        List<float[]> many = result(b, c, BackendParityTest.MANY, f);
                        List<float[]> manyOne = result(SIMD.get(0), c, BackendParityTest.MANY, f);
                        for (int k = 0; k < many.size(); k++) {
                            assertArrayEquals(manyOne.get(k), many.get(k), c + ", many tensors, " + f.id() + ", " + b);
                        }
                    }
                }
            }
        }
    }

    /** Stochastic rounding draws by (seed, buffer, step, index): the thread split changes no bit. */
    @Test
    void stochasticRoundingDoesNotDependOnThreads() {
        List<float[]> base = null;
        for (SimdBackend b : SIMD) {
            Optimizer opt = Optimizer.builder(Adam.of(1e-2)).backend(b).parameterCount(SPLIT_SIZE)
                    .stateFormat(StateFormat.BF16).stochasticRounding(42).build();
            Buffer theta = b.allocate(SPLIT_SIZE);
            theta.copyFrom(BackendParityTest.fill(1, SPLIT_SIZE));
            for (int t = 0; t < 5; t++) {
                Buffer g = b.allocate(SPLIT_SIZE);
                g.copyFrom(BackendParityTest.fill(100 + t, SPLIT_SIZE));
                opt.step(theta, g);
            }
            List<float[]> r = List.of(theta.toFloatArray(), opt.state().buffer("s").toFloatArray(),
                    opt.state().buffer("r").toFloatArray());
            if (base == null) {
                base = r;
            } else {
                for (int k = 0; k < 3; k++) {
                    assertArrayEquals(base.get(k), r.get(k), b + ", buffer " + k);
                }
            }
        }
    }

    /** simd registers a compressed kernel for every float32 one, each exercised by a registry configuration. */
    @Test
    void everyCompressedKernelIsCovered() {
        Set<KernelKey> keys = SIMD.get(0).kernelKeys();
        Set<KernelKey> covered = new java.util.HashSet<>();
        for (Config c : BackendParityTest.REGISTRY) {
            List<Transform> chain = c.rule().transforms();
            List<KernelKey> base = new ArrayList<>(List.of(KernelKey.of(chain)));
            if (chain.get(0) instanceof ClipByGlobalNorm) {
                base.add(KernelKey.of(chain.subList(1, chain.size())));
            }
            if (c.specForm()) {
                base.add(KernelKey.lookahead(chain));
            }
            for (KernelKey k : base) {
                for (StateFormat f : StateFormat.values()) {
                    covered.add(f.key(k));
                }
                if (!k.isLookahead() && !c.specForm()) {
                    covered.add(new KernelKey(k.value() + Optimizer.MIXED));
                }
            }
        }
        for (KernelKey k : keys) {
            assertTrue(covered.contains(k), "simd kernel " + k + " is exercised by no configuration");
            if (!k.value().contains("@")) {
                assertTrue(keys.contains(StateFormat.BF16.key(k)) && keys.contains(StateFormat.INT8.key(k)),
                        "no compressed kernels for " + k);
            }
        }
    }

    /**
     * Mixed precision: a step with a bf16 gradient is, bit for bit, the step with that gradient decoded to float32,
     * and the bf16 copy of the parameters is θ rounded to nearest even; every configuration without a look-ahead,
     * in every state format, on scalar and simd.
     */
    @TestFactory
    Stream<DynamicNode> mixedPrecisionIsTheFloat32StepOnTheDecodedGradient() {
        List<Backend> backends = new ArrayList<>(SIMD);
        backends.add(new ScalarBackend());
        return COMPRESSIBLE.stream().filter(c -> !c.specForm()).map(c -> DynamicContainer.dynamicContainer(
                c.label(), Arrays.stream(StateFormat.values()).flatMap(f -> backends.stream().map(b ->
                        DynamicTest.dynamicTest(f.id() + " " + b, () -> {
                            mixed(b, c, 4097, f);
                            mixed(b, c, SMALL_NETWORK, f);
                        })))));
    }

    static void mixed(Backend backend, Config c, int shape, StateFormat format) {
        Run m = start(backend, c, shape, format);
        Run f = start(backend, c, shape, format);
        int size = m.theta().length();
        org.optim4j.quant.Bf16Buffer copy = new org.optim4j.quant.Bf16Buffer(size);
        for (int t = 0; t < 4; t++) {
            org.optim4j.quant.Bf16Buffer g16 = new org.optim4j.quant.Bf16Buffer(size);
            g16.copyFrom(BackendParityTest.fill(100 + t, size));
            Buffer g32 = f.opt().newBuffer();
            g32.copyFrom(g16.toFloatArray());
            m.opt().stepMixed(m.theta(), g16, t == 2 ? null : copy);
            f.opt().step(f.theta(), g32);
            String what = c + ", " + format.id() + ", " + backend + ", step " + t;
            assertArrayEquals(f.theta().toFloatArray(), m.theta().toFloatArray(), what + ": master θ");
            for (int k = 0; k < f.opt().state().buffers().size(); k++) {
                assertEquals(org.optim4j.state.BufferData.of(f.opt().state().buffers().get(k)),
                        org.optim4j.state.BufferData.of(m.opt().state().buffers().get(k)), what + ": state " + k);
            }
            if (t != 2) {
                float[] theta = m.theta().toFloatArray();
                for (int i = 0; i < size; i++) {
                    assertEquals(org.optim4j.quant.Bf16.encode(theta[i]), copy.array()[i], what + ": copy " + i);
                }
            }
        }
    }

    /**
     * simd's vector bf16 Adam walks a range of a million elements or more as two interleaved streams
     * ({@code VectorKernels.STREAMS_FROM}): every element is still stepped exactly once, with the same bits, on one
     * thread (one range of 2M + 37) and on two (two parts of just over 1M), with a float32 or a bf16 gradient.
     */
    @Test
    void longRangesAreSteppedExactlyOnceWhateverTheWalk() {
        int size = (1 << 21) + 37;
        for (Config c : COMPRESSIBLE) {
            if (c.specForm() || !(c.rule() instanceof Adam || c.rule() instanceof org.optim4j.rule.AdamW)) {
                continue;
            }
            for (SimdBackend b : SIMD.subList(0, 2)) {
                exact(b, c, size, StateFormat.BF16);
                mixed(b, c, size, StateFormat.BF16);
            }
        }
    }

    @Test
    void compressedStateNeedsAHeapBackend() {
        Backend nd4j = Backends.all().stream().filter(b -> b.name().equals(Nd4jBackend.NAME)).findFirst().orElseThrow();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizer.builder(Adam.of(1e-3))
                .backend(nd4j).parameterCount(10).stateFormat(StateFormat.BF16).build());
        assertTrue(e.getMessage().startsWith("stateFormat bf16 needs a backend whose buffers are float[] (scalar, simd);"
                + " backend 'nd4j'"), e.getMessage());
        assertEquals(StateFormat.INT8, Optimizer.builder(Adam.of(1e-3)).backend(SIMD.get(0)).parameterCount(10)
                .stateFormat(StateFormat.INT8).build().stateFormat());
    }
}
