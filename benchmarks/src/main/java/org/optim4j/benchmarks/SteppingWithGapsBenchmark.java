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

/**
 * A step as training loops make them: after {@code gapMicros} µs of other work on the calling thread (a forward and
 * backward pass, here a busy loop), not back to back as in {@link StepBenchmark}. {@code simd}'s workers spin for
 * 20 µs after a step and then park, so after a longer gap the hand-off includes waking a parked thread. Score: µs
 * per gap + step; the gap is the same on every backend, so the difference between backends is the steps'.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Benchmark)
public class SteppingWithGapsBenchmark {
    @Param({"sgd", "adam"})
    public String rule;

    @Param({"simd1", "simd"})
    public String backend;

    @Param({"65536", "262144", "1048576"})
    public String size;

    @Param({"0", "100", "1000"})
    public long gapMicros;

    private MeasuredStep measured;
    private long gapNanos;

    @Setup(Level.Trial)
    public void setUp() {
        measured = MeasuredStep.prepare(rule + " on " + backend, Workload.of(size), BenchBackends.open(backend),
                BenchRules.rule(rule), NonFinitePolicy.UNCHECKED);
        gapNanos = TimeUnit.MICROSECONDS.toNanos(gapMicros);
    }

    @Setup(Level.Iteration)
    public void reset() {
        measured.reset();
    }

    @Benchmark
    public long gapThenStep() {
        long end = System.nanoTime() + gapNanos;
        long spins = 0;
        while (System.nanoTime() < end) {
            spins++;
        }
        measured.step();
        return spins;
    }
}
