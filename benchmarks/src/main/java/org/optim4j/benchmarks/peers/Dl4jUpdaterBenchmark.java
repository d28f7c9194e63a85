package org.optim4j.benchmarks.peers;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
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
 * Peer: DL4J's own updaters ({@code org.nd4j.linalg.learning.config.*} instantiated into a
 * {@link GradientUpdater}), as a DL4J network applies them: {@code applyUpdater} turns the gradient into
 * the update in place, then {@code params.subi(update)}. Same sizes and seeded data as {@code StepBenchmark}.
 *
 * <p>Because {@code applyUpdater} overwrites the gradient, the gradient is restored before every step
 * outside the measured time (a per-invocation setup, as a network's backward pass would refill it).
 * The state starts at zero as in the spec ({@link Peers#instantiate}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class Dl4jUpdaterBenchmark {

    /** {@link Peers#dl4jRules()} (checked by a test): DL4J has no classic momentum, so {@code momentum} is absent. */
    @Param({"sgd", "nesterov", "adagrad", "rmsprop", "adam"})
    public String rule;

    @Param({"4096", "65536", "1048576", "16777216", "256x65536", "mixed"})
    public String size;

    private float[] initialParameters;
    private INDArray params;
    private INDArray gradient;
    private INDArray freshGradient;
    private INDArray initial;
    private INDArray stateView;
    private GradientUpdater<?> updater;
    private int iteration;

    @Setup(Level.Trial)
    public void setUp() {
        Workload w = Workload.of(size);
        UpdateRule ours = Peers.constantRate(BenchRules.rule(rule));
        IUpdater config = Peers.dl4jConfig(ours).orElseThrow(
                () -> new IllegalArgumentException("not available: DL4J has no updater for rule '" + rule
                        + "'; it has one for " + Peers.dl4jRules()));
        initialParameters = w.initialParameters();
        float[] g = w.gradient();
        check(ours, config, initialParameters, g);

        initial = Peers.vector(initialParameters);
        params = initial.dup();
        freshGradient = Peers.vector(g);
        gradient = freshGradient.dup();
        long stateSize = config.stateSize(w.parameters());
        stateView = stateSize == 0 ? null : Peers.zeros(stateSize);
        updater = Peers.instantiate(config, stateView);
    }

    /** Runs DL4J's updater on the first parameters and compares with the reference. */
    private static void check(UpdateRule ours, IUpdater config, float[] theta0, float[] g0) {
        int n = ReferenceCheck.checkedLength(theta0.length);
        float[] theta = Arrays.copyOf(theta0, n);
        INDArray params = Peers.vector(theta);
        INDArray fresh = Peers.vector(Arrays.copyOf(g0, n));
        INDArray g = fresh.dup();
        long stateSize = config.stateSize(n);
        GradientUpdater<?> u = Peers.instantiate(config, stateSize == 0 ? null : Peers.zeros(stateSize));
        for (int t = 0; t < ReferenceCheck.STEPS; t++) {
            g.assign(fresh);
            u.applyUpdater(g, t, 0);
            params.subi(g);
        }
        float[] expected = ReferenceCheck.reference(ours, theta0, g0, n).get(0);
        ReferenceCheck.requirePeerAgreement("DL4J " + config.getClass().getSimpleName(), theta,
                expected, params.toFloatVector());
    }

    @Setup(Level.Iteration)
    public void reset() {
        params.assign(initial);
        if (stateView != null) {
            stateView.assign(0);
        }
        iteration = 0;
    }

    /** The gradient is consumed by every step; refill it, unmeasured. */
    @Setup(Level.Invocation)
    public void refillGradient() {
        gradient.assign(freshGradient);
    }

    @Benchmark
    public void step() {
        updater.applyUpdater(gradient, iteration++, 0);
        params.subi(gradient);
    }
}
