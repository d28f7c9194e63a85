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
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;

/**
 * What the default non-finite policy ({@code FAIL}, also {@code SKIP_STEP}) adds to a step: one
 * {@link Backend#firstNonFinite} scan of an all-finite gradient, per backend and size. Compare its
 * score with {@link StepBenchmark}'s (policy {@code UNCHECKED}) at the same size, in the same run.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Benchmark)
public class NonFiniteCheckBenchmark {

    /** scalar and simd share the float[] scan; nd4j scans its native storage through an NIO view. */
    @Param({"simd", "nd4j"})
    public String backend;

    @Param({"65536", "16777216"})
    public String size;

    private Backend implementation;
    private Buffer gradient;

    @Setup(Level.Trial)
    public void setUp() {
        Workload workload = Workload.of(size);
        implementation = BenchBackends.open(backend);
        gradient = implementation.allocate(workload.parameters());
        gradient.copyFrom(workload.gradient());
        if (implementation.firstNonFinite(gradient, 0, gradient.length()) != -1) {
            throw new IllegalStateException("the seeded gradient must be finite");
        }
        gradient.set(gradient.length() - 1, Float.NaN);
        if (implementation.firstNonFinite(gradient, 0, gradient.length()) != gradient.length() - 1) {
            throw new IllegalStateException(backend + " does not find a NaN in the last element");
        }
        gradient.set(gradient.length() - 1, 0.5);
    }

    @Benchmark
    public int scan() {
        return implementation.firstNonFinite(gradient, 0, gradient.length());
    }
}
