package org.optim4j.benchmarks;

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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.optim4j.NonFinitePolicy;
import org.optim4j.Optimizer;
import org.optim4j.ParameterSet;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;

/**
 * One optimizer step through core's {@link Optimizer} (policy {@code UNCHECKED}: the kernel itself),
 * for each rule × backend × size: the numbers the
 * project's performance claims rest on. Score: steps per second (multiply by the parameter count for
 * parameters per second; the {@code bench} command does).
 *
 * <p>Setup refuses to run a backend that disagrees with the scalar reference ({@link ReferenceCheck}).
 * Every iteration starts from the same θ₀ and zeroed state, so values never drift far (no denormals,
 * no overflow) however many steps an iteration takes; the gradient is the same seeded g at every step.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class StepBenchmark {

    /** Every registered rule, {@link BenchRules#IDS} (a test checks that the list is the registry's). */
    @Param({"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "amsgrad", "adamw_amsgrad", "nadam",
            "radam", "adamax", "adadelta", "rmsprop_centered", "sgd_torch", "sgd_torch_nesterov", "lion"})
    public String rule;

    @Param({"scalar", "simd1", "simd", "nd4j"})
    public String backend;

    /** Parameters: one tensor of 4K … 16M, 256 tensors of 64K, or a mix of odd sizes ({@link Workload}). */
    @Param({"4096", "65536", "1048576", "16777216", "256x65536", "mixed"})
    public String size;

    private Backend implementation;
    private Optimizer optimizer;
    private Buffer parameters;
    private Buffer gradient;
    private Refill refill;

    @Setup(Level.Trial)
    public void setUp() {
        Workload workload = Workload.of(size);
        implementation = BenchBackends.open(backend);
        float[] initialParameters = workload.initialParameters();
        float[] g = workload.gradient();
        ReferenceCheck.requireAgreement(rule + " on " + backend, BenchRules.rule(rule), implementation,
                initialParameters, g);

        ParameterSet params = workload.layout(implementation);
        ParameterSet grads = params.newLike();
        parameters = params.flat();
        gradient = grads.flat();
        gradient.copyFrom(g);
        // UNCHECKED: the kernel alone; NonFiniteCheckBenchmark measures what the default FAIL policy adds.
        optimizer = Optimizer.builder(BenchRules.rule(rule)).backend(implementation).parameterCount(params.size())
                .nonFinitePolicy(NonFinitePolicy.UNCHECKED).build();
        refill = Refill.of(parameters, initialParameters);
    }

    /** θ back to θ₀ and the state back to zero: every iteration measures the same work. */
    @Setup(Level.Iteration)
    public void reset() {
        refill.parameters(parameters);
        for (Buffer state : optimizer.state().buffers()) {
            refill.zero(state);
        }
    }

    @Benchmark
    public void step() {
        optimizer.step(parameters, gradient);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        BenchBackends.release(backend, implementation);
    }
}
