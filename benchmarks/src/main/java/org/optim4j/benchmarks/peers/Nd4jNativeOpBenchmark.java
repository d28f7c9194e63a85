package org.optim4j.benchmarks.peers;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.ndarray.INDArray;
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
import org.optim4j.benchmarks.BenchRules;
import org.optim4j.benchmarks.ReferenceCheck;
import org.optim4j.benchmarks.Workload;
import org.optim4j.rule.UpdateRule;

/**
 * Peer: ND4J's native fused updater ops ({@code org.nd4j.linalg.api.ops.impl.updaters.*}, run with
 * {@code Nd4j.exec}), writing the update into a preallocated array and the state in place, then
 * {@code params.subi(update)}. Hyper-parameters mapped exactly to the spec (Adam's ε passed as
 * ε·√(1−ρ₂^(t+1)), see DESIGN.md); the gradient is only read. A new op object per step, as DL4J does.
 * The ops per rule are {@link Peers#nativeOp}'s; {@code rule} lists {@link Peers#nativeOpRules()} (checked by a
 * test); a rule without an op is refused at set-up as not available.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class Nd4jNativeOpBenchmark {

    /** {@link Peers#nativeOpRules()}: ND4J has no classic-momentum op, so {@code momentum} is absent. */
    @Param({"sgd", "nesterov", "adagrad", "rmsprop", "adam"})
    public String rule;

    @Param({"4096", "65536", "1048576", "16777216", "256x65536", "mixed"})
    public String size;

    private NativeStep step;
    private INDArray initial;

    @Setup(Level.Trial)
    public void setUp() {
        Workload w = Workload.of(size);
        UpdateRule ours = Peers.constantRate(BenchRules.rule(rule));
        Peers.NativeOp op = Peers.nativeOp(ours).orElseThrow(() -> new IllegalArgumentException(
                "not available: ND4J has no native op for rule '" + rule + "'; it has one for " + Peers.nativeOpRules()));
        float[] theta0 = w.initialParameters();
        float[] g = w.gradient();
        int n = ReferenceCheck.checkedLength(theta0.length);
        NativeStep check = new NativeStep(ours, op, Peers.vector(Arrays.copyOf(theta0, n)),
                Peers.vector(Arrays.copyOf(g, n)));
        for (int t = 0; t < ReferenceCheck.STEPS; t++) {
            check.step();
        }
        float[] expected = ReferenceCheck.reference(ours, theta0, g, n).get(0);
        ReferenceCheck.requirePeerAgreement("ND4J native " + rule + " op", Arrays.copyOf(theta0, n), expected,
                check.params.toFloatVector());

        initial = Peers.vector(theta0);
        step = new NativeStep(ours, op, initial.dup(), Peers.vector(g));
    }

    @Setup(Level.Iteration)
    public void reset() {
        step.reset(initial);
    }

    @Benchmark
    public void step() {
        step.step();
    }

    /** One rule's native op with its arrays: the gradient, the state, the update, the parameters. */
    static final class NativeStep {
        private final UpdateRule rule;
        private final Peers.NativeOp op;
        final INDArray params;
        private final INDArray gradient;
        private final INDArray update;
        private final INDArray s;
        private final INDArray r;
        private int t;

        NativeStep(UpdateRule rule, Peers.NativeOp op, INDArray params, INDArray gradient) {
            this.rule = rule;
            this.op = op;
            this.params = params;
            this.gradient = gradient;
            this.update = Peers.zeros(params.length());
            this.s = Peers.zeros(params.length());
            this.r = Peers.zeros(params.length());
        }

        void reset(INDArray initialParameters) {
            params.assign(initialParameters);
            s.assign(0);
            r.assign(0);
            t = 0;
        }

        void step() {
            op.exec(gradient, s, r, update, rule.learningRate().value(t), t);
            params.subi(update);
            t++;
        }
    }
}
