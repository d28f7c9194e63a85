package org.optim4j.backends;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.optim4j.GradientFunction;
import org.optim4j.Optimizer;
import org.optim4j.ParameterSet;
import org.optim4j.backend.Backends;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.backends.nd4j.Nd4jBackend;
import org.optim4j.backends.nd4j.Nd4jBuffer;
import org.optim4j.backends.simd.SimdBackend;
import org.optim4j.rule.AdaGrad;
import org.optim4j.rule.Adam;
import org.optim4j.rule.Momentum;
import org.optim4j.rule.Nesterov;
import org.optim4j.rule.RmsProp;
import org.optim4j.rule.Sgd;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import org.optim4j.rule.Rules;
import org.optim4j.spi.KernelKey;
import org.optim4j.transform.ClipByGlobalNorm;
import org.optim4j.transform.Transform;

/**
 * The parity test: every (rule, configuration) of {@link #REGISTRY} × every available backend, against the
 * scalar reference, over odd sizes and over many tensors in one flat buffer; plus kernel completeness and
 * thread-count independence of {@code simd}.
 *
 * <p><b>Tolerance.</b> An element passes when {@code |x − ref| ≤ REL·(|ref| + rms(ref buffer))} with
 * {@code REL = 1e-5}. Why: the reference evaluates each equation in double and rounds once to float32; the
 * fast backends evaluate in float32 (each operation rounds, by at most 2⁻²⁴ ≈ 6e-8 relative, ~6–8 operations
 * per element and step, in another order: Adam's bias corrections are folded into one step size), and ND4J
 * may use FMA. Over {@value #STEPS} steps, errors carried through s, r and θ stay below
 * 10 × 8 × 6e-8 ≈ 5e-6 relative to the size of the terms; 1e-5 (≈ 84 float32 ulps) leaves room and still
 * catches a wrong coefficient, a bias correction one step off (≥ 1e-3 relative) or a misplaced ε (the large-ε
 * configurations make ε ≈ 10% of the denominator). The absolute part, REL × the buffer's RMS, covers
 * cancellation: θ − α·g or ρ·s − α·g can end near zero, with an error of a few ulps of its terms, which are
 * of the buffer's typical size (data are drawn from [−1, 1]). The float64 nd4j buffers are compared with
 * the same float32 reference and tolerance.
 */
class BackendParityTest {
    static final int STEPS = 10;
    static final double REL = 1e-5;
    /** The vector length in floats of AVX-512 (16), ± 1, next to other odd sizes. */
    static final int[] SIZES = {0, 1, 7, 13, 15, 17, 4097, 65537, 1 << 20};
    /** Sentinel size: a model's tensors in one flat buffer. */
    static final int MANY = -1;

    /** α decays linearly over the whole run, so it differs at every step. */
    static Schedule decay(double alpha0) {
        return Schedule.linearDecay(alpha0, alpha0 / 10, STEPS);
    }

    /** A rule with its configuration; {@code specForm}: Nesterov through a gradient function at θ + ρ·s. */
    record Config(String label, UpdateRule rule, boolean specForm) {
        @Override
        public String toString() {
            return label;
        }
    }

    static final List<Config> REGISTRY = registry();

    /**
     * Hand-picked configurations of the spec's rules (large ε, both Nesterov forms, a clipped chain), then every
     * other rule of {@link Rules} at its defaults under a decaying α: a rule added to the registry is covered
     * without editing this test.
     */
    static List<Config> registry() {
        List<Config> list = new ArrayList<>(List.of(
            new Config("sgd", new Sgd(decay(0.05)), false),
            new Config("momentum ρ=0.9", new Momentum(decay(0.02), 0.9), false),
            new Config("nesterov reparametrised ρ=0.9", new Nesterov(decay(0.02), 0.9), false),
            new Config("nesterov spec form ρ=0.9", new Nesterov(decay(0.02), 0.9), true),
            new Config("adagrad ε=1e-8", new AdaGrad(decay(0.05), 1e-8), false),
            new Config("adagrad ε=0.3", new AdaGrad(decay(0.05), 0.3), false),
            new Config("rmsprop ρ₂=0.9 ε=1e-8", new RmsProp(decay(0.01), 0.9, 1e-8), false),
            new Config("rmsprop ρ₂=0.5 ε=0.1", new RmsProp(decay(0.01), 0.5, 0.1), false),
            new Config("adam defaults", new Adam(decay(1e-2), 0.9, 0.999, 1e-8), false),
            new Config("adam ρ₁=0.5 ρ₂=0.9 ε=0.1", new Adam(decay(1e-2), 0.5, 0.9, 0.1), false),
            new Config("adam clipped to ‖g‖ ≤ 0.5", clipped(new Adam(decay(1e-2), 0.9, 0.999, 1e-8), 0.5), false),
            new Config("momentum clipped to ‖g‖ ≤ 0.5", clipped(new Momentum(decay(0.02), 0.9), 0.5), false),
            new Config("rmsprop_centered ρ₂=0.99 ε=1e-8", new org.optim4j.rule.RmsPropCentered(decay(1e-2), 0.99, 1e-8, 0),
                    false),
            new Config("rmsprop_centered momentum ρ=0.9 ε=1e-3",
                    new org.optim4j.rule.RmsPropCentered(decay(1e-2), 0.99, 1e-3, 0.9), false),
            new Config("lion clipped to ‖g‖ ≤ 0.5", clipped(new org.optim4j.rule.Lion(decay(1e-3), 0.9, 0.99, 0.1),
                    0.5), false)));
        for (String id : Rules.ids()) {
            if (list.stream().noneMatch(c -> c.rule().id().equals(id))) {
                UpdateRule rule = Rules.type(id).defaults();
                list.add(new Config(id + " defaults", rule.withLearningRate(decay(rule.learningRate().value(0))), false));
            }
        }
        return List.copyOf(list);
    }

    /** {@code rule} behind a clip by global norm (a leading reduction). */
    static UpdateRule clipped(UpdateRule rule, double maxNorm) {
        List<Transform> chain = new ArrayList<>();
        chain.add(new ClipByGlobalNorm(Schedule.fixed(maxNorm)));
        chain.addAll(rule.transforms());
        return UpdateRule.chain(rule.id() + "_clipped", chain.toArray(new Transform[0]));
    }

    /** Backends under test beyond the ServiceLoader's instances (which include nd4j-f64 and scalar-f64): other thread counts. */
    static final List<Backend> EXTRA = List.of(new SimdBackend(1), new SimdBackend(3, 128));

    @AfterAll
    static void closeExtra() {
        EXTRA.forEach(Backend::close);
    }

    /** Every available backend but the reference, plus {@link #EXTRA}. */
    static List<Backend> backendsUnderTest() {
        List<Backend> list = new ArrayList<>(Backends.available());
        list.removeIf(b -> b.name().equals(ScalarBackend.NAME));
        list.addAll(EXTRA);
        return list;
    }

    static String label(Backend b) {
        return b.toString();
    }

    // ---------------------------------------------------------------- data

    /** A deterministic value in [−1, 1) from (stream, index), cheap enough for 16M elements per step. */
    static float noise(long stream, long i) {
        long z = stream * 0x9E3779B97F4A7C15L + i * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (float) ((z >>> 40) * 0x1.0p-23 - 1.0);
    }

    static float[] fill(long stream, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = noise(stream, i);
        }
        return a;
    }

    /** ∇R(p) = p/2 + u with a fixed random field u: a gradient that depends on the point, for Nesterov's spec form. */
    static final GradientFunction GRADIENT = (point, gradient) -> {
        float[] p = point.toFloatArray();
        for (int i = 0; i < p.length; i++) {
            p[i] = 0.5f * p[i] + noise(999, i);
        }
        gradient.copyFrom(p);
    };

    /** Elements in {@link #manyTensors}. */
    static final int MANY_SIZE = 3 + 256 * 4096 + 1000 + 4097;

    static int sizeOf(int size) {
        return size == MANY ? MANY_SIZE : size;
    }

    /**
     * 256 tensors of 4K and odd ones (3, 1000, 4097, so most tensors start at unaligned offsets) in one flat
     * buffer, as a model's parameters. 4K rather than 64K tensors keep the test's runtime in bounds: ND4J's
     * Java-side copies in and out of INDArrays run at ~20–50 Mparam/s here, which made 16M-element runs
     * take minutes; the kernels see one flat buffer either way.
     */
    static ParameterSet manyTensors(Backend backend) {
        ParameterSet.Builder b = ParameterSet.builder().add("bias3", 3);
        for (int i = 0; i < 256; i++) {
            b.add("w" + i, 64, 64);
            if (i == 128) {
                b.add("odd1000", 10, 100);
            }
        }
        ParameterSet set = b.add("tail4097", 4097).build(backend);
        assertEquals(MANY_SIZE, set.size());
        return set;
    }

    /** The parameters and every state buffer after the run, as values that can be read as doubles. */
    record Result(List<String> names, List<Values> buffers) {
    }

    /** float32 or float64 values, without widening 16M floats to doubles. */
    record Values(float[] f, double[] d) {
        static Values of(Buffer b) {
            return b instanceof Nd4jBuffer nd ? new Values(null, nd.toDoubleArray()) : new Values(b.toFloatArray(), null);
        }

        int length() {
            return f != null ? f.length : d.length;
        }

        double get(int i) {
            return f != null ? f[i] : d[i];
        }
    }

    /** Parameters and gradient for one run; on nd4j, views into larger arrays whose padding must stay untouched. */
    static final class Storage {
        final Buffer theta;
        final Buffer gradient;
        private final List<INDArray> padded = new ArrayList<>();
        private static final int PAD = 5;
        private static final float SENTINEL = 7.25f;

        Storage(Backend backend, int size) {
            if (size == MANY) {
                ParameterSet params = manyTensors(backend);
                theta = params.flat();
                gradient = params.newLike().flat();
            } else if (backend instanceof Nd4jBackend nd && size > 0) {
                theta = view(nd, size);
                gradient = view(nd, size);
            } else {
                theta = backend.allocate(size);
                gradient = backend.allocate(size);
            }
        }

        private Buffer view(Nd4jBackend nd, int size) {
            DataType type = nd.precision() == Buffer.Precision.FLOAT64 ? DataType.DOUBLE : DataType.FLOAT;
            INDArray big = Nd4j.valueArrayOf(new long[] {size + 2L * PAD}, SENTINEL, type);
            padded.add(big);
            return Nd4jBuffer.wrap(big.get(NDArrayIndex.interval(PAD, PAD + size)));
        }

        void checkPadding() {
            for (INDArray big : padded) {
                long n = big.length();
                for (long i : new long[] {0, PAD - 1, n - PAD, n - 1}) {
                    assertEquals(SENTINEL, big.getDouble(i), "an update wrote outside its view, at " + i);
                }
            }
        }
    }

    static Result run(Backend backend, Config c, int size) {
        Storage storage = new Storage(backend, size);
        int n = storage.theta.length();
        Optimizer opt = Optimizer.create(c.rule(), backend, n);
        storage.theta.copyFrom(fill(1, n));
        for (int t = 0; t < STEPS; t++) {
            if (c.specForm()) {
                opt.step(storage.theta, GRADIENT);
            } else {
                storage.gradient.copyFrom(fill(100 + t, n));
                opt.step(storage.theta, storage.gradient);
            }
        }
        storage.checkPadding();
        List<String> names = new ArrayList<>(List.of("θ"));
        names.addAll(opt.state().names());
        List<Values> values = new ArrayList<>(List.of(Values.of(storage.theta)));
        opt.state().buffers().forEach(b -> values.add(Values.of(b)));
        assertEquals(STEPS, opt.state().step());
        return new Result(names, values);
    }

    static void assertClose(Result expected, Result actual, String what) {
        assertEquals(expected.names(), actual.names(), what);
        for (int k = 0; k < expected.buffers().size(); k++) {
            Values e = expected.buffers().get(k), a = actual.buffers().get(k);
            assertEquals(e.length(), a.length(), what + " " + expected.names().get(k) + " length");
            double sum = 0;
            for (int i = 0; i < e.length(); i++) {
                sum += e.get(i) * e.get(i);
            }
            double rms = e.length() == 0 ? 0 : Math.sqrt(sum / e.length());
            for (int i = 0; i < e.length(); i++) {
                double ref = e.get(i), x = a.get(i);
                if (!(Math.abs(x - ref) <= REL * (Math.abs(ref) + rms))) {
                    fail(String.format("%s: %s[%d] = %.9g, reference %.9g (relative error %.3g; tolerance %.1g of |ref| + rms %.3g)",
                            what, expected.names().get(k), i, x, ref, Math.abs(x - ref) / Math.max(Math.abs(ref), rms),
                            REL, rms));
                }
            }
        }
    }

    // ---------------------------------------------------------------- the tests

    /** Config → size → backend; the reference of a (config, size) is computed once and dropped after its last backend. */
    @TestFactory
    Stream<DynamicNode> everyRuleOnEveryBackendMatchesTheReference() {
        List<Backend> backends = backendsUnderTest();
        int[] sizes = Arrays.copyOf(SIZES, SIZES.length + 1);
        sizes[SIZES.length] = MANY;
        return REGISTRY.stream().map(c -> DynamicContainer.dynamicContainer(c.label(),
                Arrays.stream(sizes).mapToObj(size -> {
                    Reference ref = new Reference(() -> run(new ScalarBackend(), c, size), backends.size());
                    String sizeLabel = size == MANY ? "many tensors (" + sizeOf(MANY) + " in one flat buffer)" : "n=" + size;
                    return DynamicContainer.dynamicContainer(sizeLabel, backends.stream().map(b ->
                            DynamicTest.dynamicTest(label(b), () ->
                                    assertClose(ref.take(), run(b, c, size), c + ", " + sizeLabel + ", " + label(b)))));
                })));
    }

    /** Computes the reference at first use, and forgets it after {@code uses} takes (16M-element results are big). */
    static final class Reference {
        private final Supplier<Result> compute;
        private int uses;
        private Result value;

        Reference(Supplier<Result> compute, int uses) {
            this.compute = compute;
            this.uses = uses;
        }

        Result take() {
            if (value == null) {
                value = compute.get();
            }
            Result r = value;
            if (--uses == 0) {
                value = null;
            }
            return r;
        }
    }

    /** Splitting across threads must not change a single bit (element-wise kernels, cut by index ranges). */
    @Test
    void simdGivesTheSameBitsWhateverTheThreadCount() {
        try (SimdBackend one = new SimdBackend(1); SimdBackend two = new SimdBackend(2, 128);
             SimdBackend three = new SimdBackend(3, 128); SimdBackend all = new SimdBackend()) {
            for (Config c : REGISTRY) {
                for (int size : new int[] {17, 4097, 65537, 1 << 20, MANY}) {
                    Result base = run(one, c, size);
                    for (SimdBackend other : List.of(two, three, all)) {
                        Result r = run(other, c, size);
                        for (int k = 0; k < base.buffers().size(); k++) {
                            String what = c + ", size " + sizeOf(size) + ", " + base.names().get(k) + ": 1 thread vs " + other;
                            assertArrayEquals(base.buffers().get(k).f(), r.buffers().get(k).f(), what);
                        }
                    }
                }
            }
        }
    }

    /**
     * Every fused kernel that any backend registers is exercised by a configuration (so a new kernel is checked
     * without editing this test), and every rule of the registry has a configuration.
     */
    @Test
    void everyRegisteredKernelAndEveryRegisteredRuleIsCovered() {
        Set<String> ids = REGISTRY.stream().map(c -> c.rule().id()).collect(Collectors.toSet());
        for (String id : Rules.ids()) {
            assertTrue(ids.contains(id), "no parity configuration for the rule " + id);
        }
        Set<KernelKey> covered = new java.util.HashSet<>();
        for (Config c : REGISTRY) {
            List<Transform> chain = c.rule().transforms();
            covered.add(KernelKey.of(chain));
            if (chain.get(0) instanceof ClipByGlobalNorm) {
                covered.add(KernelKey.of(chain.subList(1, chain.size())));
            }
            if (c.specForm()) {
                covered.add(KernelKey.lookahead(chain));
            }
        }
        List<Backend> backends = new ArrayList<>(Backends.available());
        backends.addAll(EXTRA);
        for (Backend b : backends) {
            for (KernelKey key : b.kernelKeys()) {
                if (key.value().contains("@")) {
                    continue; // kernels over compressed state and mixed precision: CompressedStateParityTest
                }
                assertTrue(covered.contains(key), "backend " + label(b) + " registers a fused kernel for " + key
                        + " that no parity configuration exercises");
            }
        }
        assertTrue(REGISTRY.stream().anyMatch(Config::specForm) && REGISTRY.stream()
                .anyMatch(c -> c.rule() instanceof Nesterov && !c.specForm()), "both Nesterov forms are covered");
    }

    /** The parity test must not pass by silently skipping: on the platforms this build ships natives for, nd4j runs. */
    @Test
    void theBackendsThisBuildShipsAreAvailable() {
        Set<String> names = Backends.available().stream().map(Backend::name).collect(Collectors.toSet());
        assertTrue(names.contains(SimdBackend.NAME), "simd must be available: " + names);
        boolean nativesShipped = System.getProperty("os.name").startsWith("Linux")
                && System.getProperty("os.arch").equals("amd64");
        if (nativesShipped) {
            Backend nd4j = Backends.all().stream().filter(b -> b.name().equals(Nd4jBackend.NAME)).findFirst().orElseThrow();
            assertTrue(nd4j.availability().available(), "nd4j: " + nd4j.availability().reason());
        }
        for (Backend b : Backends.all()) {
            if (!b.availability().available()) {
                assertTrue(!b.availability().reason().isBlank(), b.name() + " is unavailable without a reason");
            }
        }
    }
}
