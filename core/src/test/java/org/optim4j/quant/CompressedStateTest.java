package org.optim4j.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.optim4j.Optimizer;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.checkpoint.Checkpoint;
import org.optim4j.problems.DemoRules;
import org.optim4j.problems.Quadratic;
import org.optim4j.problems.Rosenbrock;
import org.optim4j.problems.TestProblem;
import org.optim4j.rule.Adam;
import org.optim4j.rule.Momentum;
import org.optim4j.rule.Transforms;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.FloatArrayBuffer;
import org.optim4j.state.Range;

/** Compressed state on the reference backend: what a step is, checkpoints, convergence. */
class CompressedStateTest {
    static final int N = 2 * StateFormat.BLOCK + 900; // two whole blocks and a partial one

    static float[] random(long seed, int n, double scale) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * scale);
        }
        return a;
    }

    /**
     * One compressed step is, exactly: decode the stored state, one float32-state step of the reference from it,
     * encode the new state. Checked against an independent float32 optimizer fed the decoded state, bit for bit,
     * over several steps, with two groups sharing the state buffers (bf16: a boundary inside a block; int8: at a
     * block boundary, since a group re-encodes the whole blocks it touches, which moves an int8 block's other
     * elements by up to half a quantization step once more: docs/rules.md says so).
     */
    @ParameterizedTest
    @EnumSource(value = StateFormat.class, names = {"BF16", "INT8"})
    void aStepIsTheFloat32StepOnDecodedStateThenEncoded(StateFormat format) {
        UpdateRule adam = new Adam(Schedule.linearDecay(1e-2, 1e-3, 10), 0.9, 0.999, 1e-8);
        UpdateRule momentum = new Momentum(Schedule.constant(0.05), 0.9);
        List<Range> second = List.of(new Range(format == StateFormat.BF16 ? 3000 : 2 * StateFormat.BLOCK, N));
        Optimizer q = Optimizer.builder(adam).backend(new ScalarBackend()).parameterCount(N).stateFormat(format)
                .group("momentum", momentum, second).build();
        Optimizer f = Optimizer.builder(adam).backend(new ScalarBackend()).parameterCount(N)
                .group("momentum", momentum, second).build();
        assertEquals(List.of("s", "r"), q.state().names());
        for (Buffer b : q.state().buffers()) {
            Class<?> expected = format == StateFormat.BF16 ? Bf16Buffer.class : Int8BlockBuffer.class;
            assertEquals(expected, b.getClass());
        }
        float[] thetaQ = random(1, N, 1), thetaF = thetaQ.clone();
        for (int t = 0; t < 6; t++) {
            float[] g = random(100 + t, N, t % 2 == 0 ? 1 : 1e-3);
            for (int k = 0; k < 2; k++) { // the float32 optimizer starts from the decoded state
                f.state().buffers().get(k).copyFrom(q.state().buffers().get(k).toFloatArray());
            }
            q.step(thetaQ, g);
            f.step(thetaF, g.clone());
            assertArrayEquals(thetaF, thetaQ, format + " θ at step " + t);
            for (int k = 0; k < 2; k++) {
                CompressedBuffer expected = ((CompressedBuffer) q.state().buffers().get(k)).copy();
                expected.copyFrom(f.state().buffers().get(k).toFloatArray());
                assertTrue(expected.sameStorage((CompressedBuffer) q.state().buffers().get(k)),
                        format + " " + q.state().names().get(k) + " at step " + t);
            }
        }
        if (format == StateFormat.INT8) {
            assertTrue(((Int8BlockBuffer) q.state().buffer("r")).map() == DynamicMap.UNSIGNED, "r: unsigned map");
            assertTrue(((Int8BlockBuffer) q.state().buffer("s")).map() == DynamicMap.SIGNED, "s: signed map");
        }
    }

    @ParameterizedTest
    @EnumSource(value = StateFormat.class, names = {"BF16", "INT8"})
    void checkpointsStoreCompressedStateAsIsAndResumeBitForBit(StateFormat format, @TempDir Path dir)
            throws IOException {
        UpdateRule adam = Adam.of(1e-2);
        Optimizer a = Optimizer.builder(adam).backend(new ScalarBackend()).parameterCount(N).stateFormat(format).build();
        float[] theta = random(1, N, 1);
        for (int t = 0; t < 3; t++) {
            a.step(theta, random(10 + t, N, 1));
        }
        Path file = dir.resolve("c.ckpt");
        Checkpoint.capture(a, FloatArrayBuffer.wrap(theta)).write(file);
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(3, ByteBuffer.wrap(bytes, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt(), "format version 3");
        long stateBytes = format == StateFormat.BF16 ? 2L * 2 * N : 2L * (N + 4 * 3);
        assertTrue(bytes.length < stateBytes + 4L * N + 2000, bytes.length + " bytes: state stored compressed");

        Checkpoint cp = Checkpoint.read(file);
        Optimizer b = Optimizer.builder(cp.rule()).backend(new ScalarBackend()).parameterCount(N).stateFormat(format)
                .build();
        float[] resumed = new float[N];
        cp.restore(b, FloatArrayBuffer.wrap(resumed));
        assertArrayEquals(theta, resumed);
        for (int k = 0; k < 2; k++) {
            assertTrue(((CompressedBuffer) a.state().buffers().get(k)).sameStorage(
                    (CompressedBuffer) b.state().buffers().get(k)), "state restored as stored");
        }
        for (int t = 3; t < 6; t++) {
            float[] g = random(10 + t, N, 1);
            a.step(theta, g);
            b.step(resumed, g.clone());
        }
        assertArrayEquals(theta, resumed, "resumed run equals the uninterrupted one");

        // across formats: a compressed checkpoint into float32 state decodes, a float32 one into compressed encodes
        Optimizer f = Optimizer.builder(cp.rule()).backend(new ScalarBackend()).parameterCount(N).build();
        cp.restore(f, FloatArrayBuffer.wrap(new float[N]));
        assertArrayEquals(cp.snapshot().state("r").toFloatArray(), f.state().buffer("r").toFloatArray());
        Path plain = dir.resolve("f.ckpt");
        Checkpoint.capture(f, FloatArrayBuffer.wrap(new float[N])).write(plain);
        assertEquals(2, ByteBuffer.wrap(Files.readAllBytes(plain), 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt(),
                "float32 state is still written as version 2");
        Optimizer c = Optimizer.builder(cp.rule()).backend(new ScalarBackend()).parameterCount(N).stateFormat(format)
                .build();
        Checkpoint.read(plain).restore(c, FloatArrayBuffer.wrap(new float[N]));
        float[] before = cp.snapshot().state("s").toFloatArray(), after = c.state().buffer("s").toFloatArray();
        if (format == StateFormat.BF16) {
            assertArrayEquals(before, after, "bf16 decoded, then encoded again: the same values");
        } else { // int8: re-encoding recomputes each block's absmax (a negative extreme reads as −0.993·absmax)
            float max = 0, diff = 0;
            for (int i = 0; i < N; i++) {
                max = Math.max(max, Math.abs(before[i]));
                diff = Math.max(diff, Math.abs(before[i] - after[i]));
            }
            assertTrue(diff <= 0.02f * max, "int8 re-encoded within a quantization step: " + diff + " of " + max);
        }
    }

    /**
     * The quadratic and Rosenbrock converge with compressed state to the tolerance of ConvergenceTest, for each of
     * its rules (the spec's six at the learning rates of {@link DemoRules}).
     */
    @ParameterizedTest
    @EnumSource(StateFormat.class)
    void everyDemoRuleConvergesOnTheTestFunctions(StateFormat format) {
        for (TestProblem problem : List.of(Quadratic.standard(), new Rosenbrock())) {
          for (UpdateRule rule : DemoRules.forProblem(problem)) {
            boolean banana = problem.name().equals("rosenbrock");
            int steps = banana ? 20_000 : 2_000;
            double tolerance = banana ? 1e-3 : 1e-6;
            Optimizer opt = Optimizer.builder(rule).backend(new ScalarBackend())
                    .parameterCount(problem.dimension()).stateFormat(format).build();
            Buffer theta = opt.newBuffer();
            theta.copyFrom(problem.start());
            for (int k = 0; k < steps; k++) {
                opt.step(theta, problem);
            }
            double gap = problem.value(theta) - problem.minimum();
            assertTrue(gap < tolerance, rule + ", " + format + " on " + problem.name() + ": loss above the minimum by "
                    + gap);
          }
        }
    }

    @ParameterizedTest
    @EnumSource(value = StateFormat.class, names = {"BF16", "INT8"})
    void gradientAccumulationKeepsItsSumInFloat32(StateFormat format) {
        Optimizer opt = Optimizer.builder(Transforms.accumulate(Adam.of(1e-2), 2)).backend(new ScalarBackend())
                .parameterCount(10).stateFormat(format).build();
        assertInstanceOf(FloatArrayBuffer.class, opt.state().buffer("accumulated_gradient"));
        assertInstanceOf(CompressedBuffer.class, opt.state().buffer("s"));
    }

    /** Stochastic rounding of bf16 state: unbiased, reproducible from its seed, and only with bf16. */
    @org.junit.jupiter.api.Test
    void stochasticRoundingIsUnbiasedAndReproducible() {
        float x = 1f + 0x1p-9f; // a quarter of the way from 1 to the next bf16 value, 1 + 2^-7
        double sum = 0;
        int up = 0;
        for (int i = 0; i < 200_000; i++) {
            float y = Bf16.decode(Bf16.encodeStochastic(x, Bf16.random16(3, 0, i)));
            up += y > 1f ? 1 : 0;
            sum += y;
        }
        assertEquals(0.25, up / 200_000.0, 0.005, "rounded up with probability 1/4");
        assertEquals(x, sum / 200_000, 1e-4);

        float[][] runs = new float[3][];
        long[] seeds = {7, 7, 8};
        for (int k = 0; k < 3; k++) {
            Optimizer opt = Optimizer.builder(Adam.of(1e-2)).backend(new ScalarBackend()).parameterCount(N)
                    .stateFormat(StateFormat.BF16).stochasticRounding(seeds[k]).build();
            assertTrue(((Bf16Buffer) opt.state().buffer("s")).stochastic());
            float[] theta = random(1, N, 1);
            for (int t = 0; t < 3; t++) {
                opt.step(theta, random(10 + t, N, 1));
            }
            runs[k] = opt.state().buffer("r").toFloatArray();
        }
        assertArrayEquals(runs[0], runs[1], "the same seed gives the same bits");
        assertTrue(!java.util.Arrays.equals(runs[0], runs[2]), "another seed, other roundings");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizer.builder(Adam.of(1e-2))
                .backend(new ScalarBackend()).parameterCount(N).stateFormat(StateFormat.INT8).stochasticRounding(1)
                .build());
        assertEquals("stochasticRounding needs stateFormat bf16, got int8", e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void aFormatIsParsedByNameAndABadOneIsNamed() {
        assertEquals(StateFormat.BF16, StateFormat.parse("BF16"));
        assertEquals(StateFormat.FLOAT32, StateFormat.parse("f32"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StateFormat.parse("fp8"));
        assertEquals("state format 'fp8' is not one of f32, bf16, int8", e.getMessage());
    }
}
