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
import org.optim4j.backends.simd.SimdBackend;

/**
 * Where splitting a step across threads starts to pay, per rule (issue 14 §2): one optimizer step of {@code rule}
 * over {@code size} elements on a 2-thread {@code simd} backend that always splits (threshold 0), never does, or
 * decides per kernel from its measured cost ({@code auto}, the default backend's policy), in the same run. The
 * smallest size at which {@code always} wins is the rule's break-even; {@code auto} should match the better of
 * the two at every size.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Benchmark)
public class SplitThresholdBenchmark {
    @Param({"sgd", "momentum", "adam"})
    public String rule;

    @Param({"4096", "8192", "16384", "32768", "65536"})
    public String size;

    /** {@code always} (threshold 0), {@code never}, or {@code auto}: the default backend's per-kernel choice. */
    @Param({"always", "never", "auto"})
    public String split;

    private SimdBackend backend;
    private MeasuredStep measured;

    @Setup(Level.Trial)
    public void setUp() {
        backend = switch (split) {
            case "always" -> new SimdBackend(2, 0);
            case "never" -> new SimdBackend(2, Integer.MAX_VALUE);
            case "auto" -> new SimdBackend(2);
            default -> throw new IllegalArgumentException("split must be always, never or auto, got " + split);
        };
        measured = MeasuredStep.prepare(rule + " on simd(2, split " + split + ")", Workload.of(size), backend,
                BenchRules.rule(rule), NonFinitePolicy.UNCHECKED);
    }

    @Setup(Level.Iteration)
    public void reset() {
        measured.reset();
    }

    @Benchmark
    public void step() {
        measured.step();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
    }
}
