package org.optim4j.benchmarks;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.optim4j.NonFinitePolicy;
import org.optim4j.Optimizer;
import org.optim4j.ParameterSet;
import org.optim4j.quant.Bf16Buffer;
import org.optim4j.quant.Int8BlockBuffer;
import org.optim4j.quant.StateFormat;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.FloatArrayBuffer;

/**
 * One optimizer step with the state stored as float32, bfloat16 or 8-bit block-wise (issue 14), policy
 * {@code UNCHECKED} as {@link StepBenchmark}. Score: steps per second; Mparam/s = score × size / 10⁶. Bytes moved
 * per parameter (Adam): float32 28 (θ read and written, g read, s and r read and written), bf16 20, int8
 * 16 + 8/2048 (the per-block absmax of s and r), {@code bf16-mixed} (bf16 state, bf16 gradient in, float32
 * master θ updated and its bf16 copy written: {@link Optimizer#stepMixed}) 8 + 2 + 8 + 2 = 20, and
 * {@code bf16-mixed-nocopy} (the same without the copy) 18.
 *
 * <p>Every iteration starts from θ₀ and zeroed state. The float32 run checks the backend against the scalar
 * reference first ({@link ReferenceCheck}); the compressed formats' exactness is the test
 * {@code CompressedStateParityTest}'s (a compressed step is the float32 step on decoded state, then encoded).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// jdk.incubator.vector: simd's vectorised bf16/int8 kernels (without it simd falls back to plain loops).
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Benchmark)
public class CompressedStateBenchmark {

    @Param({"adam"})
    public String rule;

    @Param({"f32", "bf16", "int8", "bf16-mixed", "bf16-mixed-nocopy"})
    public String state;

    @Param({"simd"})
    public String backend;

    @Param({"65536", "16777216"})
    public String size;

    private Backend implementation;
    private Optimizer optimizer;
    private Buffer parameters;
    private Buffer gradient;
    private float[] initial;
    private Bf16Buffer gradient16;
    /** The bf16 copy of θ a mixed step writes, or null ({@code -nocopy}). */
    private Bf16Buffer copy16;

    @Setup(Level.Trial)
    public void setUp() {
        implementation = BenchBackends.open(backend);
        Workload w = Workload.of(size);
        initial = w.initialParameters();
        boolean mixed = state.contains("-mixed");
        StateFormat format = StateFormat.parse(mixed ? state.substring(0, state.indexOf("-mixed")) : state);
        if (format == StateFormat.FLOAT32) {
            ReferenceCheck.requireAgreement(rule + " on " + backend, BenchRules.rule(rule), implementation, initial,
                    w.gradient());
        }
        ParameterSet params = w.layout(implementation);
        parameters = params.flat();
        gradient = params.newLike().flat();
        gradient.copyFrom(w.gradient());
        if (mixed) {
            gradient16 = new Bf16Buffer(params.size());
            gradient16.copyFrom(w.gradient());
            copy16 = state.endsWith("-nocopy") ? null : new Bf16Buffer(params.size());
        }
        optimizer = Optimizer.builder(BenchRules.rule(rule)).backend(implementation).parameterCount(params.size())
                .nonFinitePolicy(NonFinitePolicy.UNCHECKED).stateFormat(format).build();
    }

    /** θ back to θ₀ and the state back to zero, without allocating. */
    @Setup(Level.Iteration)
    public void reset() {
        float[] theta = ((FloatArrayBuffer) parameters).array();
        System.arraycopy(initial, 0, theta, 0, theta.length);
        for (Buffer b : optimizer.state().buffers()) {
            if (b instanceof FloatArrayBuffer f) {
                Arrays.fill(f.array(), 0f);
            } else if (b instanceof Bf16Buffer h) {
                Arrays.fill(h.array(), (char) 0);
            } else if (b instanceof Int8BlockBuffer q) {
                Arrays.fill(q.codes(), (byte) q.map().zeroCode());
                Arrays.fill(q.absmax(), 0f);
                Arrays.fill(q.float32Values(), 0f);
            }
        }
    }

    @Benchmark
    public void step() {
        if (gradient16 != null) {
            optimizer.stepMixed(parameters, gradient16, copy16);
        } else {
            optimizer.step(parameters, gradient);
        }
    }
}
