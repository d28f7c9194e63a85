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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.optim4j.NonFinitePolicy;
import org.optim4j.Optimizer;
import org.optim4j.ParameterSet;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
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
@Fork(1)
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
        UpdateRule base = BenchRules.rule(rule);
        UpdateRule measured = base;
        if (variant.equals("clipped")) {
            double norm = 0;
            for (float x : g) {
                norm += (double) x * x;
            }
            List<Transform> chain = new ArrayList<>();
            chain.add(new ClipByGlobalNorm(Schedule.fixed(Math.sqrt(norm) / 2)));
            chain.addAll(base.transforms());
            measured = UpdateRule.chain(rule + "_clipped", chain.toArray(new Transform[0]));
        }
        ReferenceCheck.requireAgreement(variant + " " + rule + " on " + backend, measured, implementation,
                initialParameters, g);
        ParameterSet params = workload.layout(implementation);
        parameters = params.flat();
        gradient = params.newLike().flat();
        gradient.copyFrom(g);
        optimizer = Optimizer.builder(measured).backend(implementation).parameterCount(params.size())
                .nonFinitePolicy(variant.equals("unchecked") ? NonFinitePolicy.UNCHECKED : NonFinitePolicy.FAIL).build();
        if (variant.equals("clipped") && !optimizer.kernelsInUse().get(0).contains("fused")) {
            throw new IllegalStateException("the clipped chain does not run fused here: " + optimizer.kernelsInUse());
        }
        refill = Refill.of(parameters, initialParameters);
    }

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
