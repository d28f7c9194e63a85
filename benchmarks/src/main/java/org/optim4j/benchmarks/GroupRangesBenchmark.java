package org.optim4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;

/**
 * One step of an optimizer with two parameter groups that each hold every other tensor of a layout of
 * {@code tensors} × {@code length} elements (the shape of a "no weight decay" group: biases and norms interleaved
 * with the weights), so each group is many short ranges (issue 14 §2). On {@code simd} a group's ranges are split
 * across threads as one ({@code Kernel.applyRanges}); before, each range ran on its own and one of 2K on the caller
 * alone. Score: steps per second; Mparam/s = score × tensors × length / 10⁶.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class GroupRangesBenchmark {
    @Param({"sgd", "adam"})
    public String rule;

    @Param({"simd1", "simd"})
    public String backend;

    @Param({"128"})
    public int tensors;

    @Param({"2048"})
    public int length;

    private Optimizer optimizer;
    private Buffer parameters;
    private Buffer gradient;

    @Setup
    public void setUp() {
        Backend b = BenchBackends.open(backend);
        ParameterSet.Builder layout = ParameterSet.builder();
        List<String> odd = new ArrayList<>();
        for (int t = 0; t < tensors; t++) {
            layout.add("t" + t, length);
            if (t % 2 == 1) {
                odd.add("t" + t);
            }
        }
        ParameterSet params = layout.build(b);
        optimizer = Optimizer.builder(BenchRules.rule(rule)).backend(b).layout(params)
                .group("odd", BenchRules.rule(rule), odd.toArray(String[]::new))
                .nonFinitePolicy(NonFinitePolicy.UNCHECKED).build();
        parameters = params.flat();
        float[] g = new float[params.size()];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) (1e-3 * ((i * 7919) % 1000 - 500));
        }
        gradient = optimizer.newBuffer();
        gradient.copyFrom(g);
    }

    @Benchmark
    public void step() {
        optimizer.step(parameters, gradient);
    }
}
