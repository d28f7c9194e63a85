package org.optim4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
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
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;
import org.optim4j.spi.Backend;
import org.optim4j.transform.ClipByGlobalNorm;
import org.optim4j.transform.Transform;

/**
 * What the checks cost in a whole step: one Adam step (or any rule's) with the non-finite check off
 * ({@code unchecked}: the fused kernel alone), on ({@code checked}: one Σg² read pass first), and on with a
 * leading clip by global norm ({@code clipped}: the same pass gives the norm, and the clip folds into the fused
 * kernel as a gradient scale). Compare the three scores of one size in one run; the target is
 * clipped ≥ unchecked / 1.15 at 16M on {@code simd}. The clip's limit is set so that it does clip (the
 * gradient's norm is above it), so the scaled path is the one measured.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Benchmark)
public class CheckedStepBenchmark {

    @Param({"adam"})
    public String rule;

    @Param({"simd"})
    public String backend;

    @Param({"65536", "16777216"})
    public String size;

    @Param({"unchecked", "checked", "clipped"})
    public String variant;

    private Backend implementation;
    private MeasuredStep measured;

    @Setup(Level.Trial)
    public void setUp() {
        Workload workload = Workload.of(size);
        implementation = BenchBackends.open(backend);
        UpdateRule base = BenchRules.rule(rule);
        UpdateRule rule = base;
        if (variant.equals("clipped")) {
            double norm = 0;
            for (float x : workload.gradient()) {
                norm += (double) x * x;
            }
            List<Transform> chain = new ArrayList<>();
            chain.add(new ClipByGlobalNorm(Schedule.fixed(Math.sqrt(norm) / 2)));
            chain.addAll(base.transforms());
            rule = UpdateRule.chain(this.rule + "_clipped", chain.toArray(new Transform[0]));
        }
        measured = MeasuredStep.prepare(variant + " " + this.rule + " on " + backend, workload, implementation, rule,
                variant.equals("unchecked") ? NonFinitePolicy.UNCHECKED : NonFinitePolicy.FAIL);
        if (variant.equals("clipped") && !measured.optimizer().kernelsInUse().get(0).contains("fused")) {
            throw new IllegalStateException("the clipped chain does not run fused here: "
                    + measured.optimizer().kernelsInUse());
        }
    }

    @Setup(Level.Iteration)
    public void reset() {
        measured.reset();
    }

    @Benchmark
    public void step() {
        measured.step();
    }
}
