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
import org.openjdk.jmh.annotations.Warmup;
import org.optim4j.NonFinitePolicy;
import org.optim4j.Optimizer;
import org.optim4j.spi.Backend;

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
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Benchmark)
public class StepBenchmark {

    /** Every registered rule, {@link BenchRules#IDS} (a test checks that the list is the registry's). */
    @Param({"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "amsgrad", "adamw_amsgrad", "nadam",
            "radam", "adamax", "adadelta", "rmsprop_centered", "sgd_torch", "sgd_torch_nesterov", "lion",
            "lamb", "adamw_schedulefree"})
    public String rule;

    @Param({"scalar", "simd1", "simd", "nd4j"})
    public String backend;

    /** Parameters: one tensor of 4K … 16M, 256 tensors of 64K, or a mix of odd sizes ({@link Workload}). */
    @Param({"4096", "65536", "1048576", "16777216", "256x65536", "mixed"})
    public String size;

    private Backend implementation;
    private MeasuredStep measured;

    @Setup(Level.Trial)
    public void setUp() {
        implementation = BenchBackends.open(backend);
        // UNCHECKED: the kernel alone; CheckedStepBenchmark measures what the default FAIL policy and clipping add.
        measured = MeasuredStep.prepare(rule + " on " + backend, Workload.of(size), implementation,
                BenchRules.rule(rule), NonFinitePolicy.UNCHECKED);
    }

    /** θ back to θ₀ and the state back to zero: every iteration measures the same work. */
    @Setup(Level.Iteration)
    public void reset() {
        measured.reset();
    }

    @Benchmark
    public void step() {
        measured.step();
    }
}
