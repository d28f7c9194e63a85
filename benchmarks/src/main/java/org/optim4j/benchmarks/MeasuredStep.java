package org.optim4j.benchmarks;

import org.optim4j.NonFinitePolicy;
import org.optim4j.Optimizer;
import org.optim4j.ParameterSet;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;

/**
 * One optimizer over a workload, ready to be stepped by a benchmark: set up after the backend agreed with the scalar
 * reference ({@link ReferenceCheck}), and reset to θ₀ and zero state before each iteration, so every iteration
 * measures the same work (no drift into denormals or overflow); the gradient is the same seeded g at every step.
 */
final class MeasuredStep {
    private final Optimizer optimizer;
    private final Buffer parameters;
    private final Buffer gradient;
    private final Refill refill;

    private MeasuredStep(Optimizer optimizer, Buffer parameters, Buffer gradient, Refill refill) {
        this.optimizer = optimizer;
        this.parameters = parameters;
        this.gradient = gradient;
        this.refill = refill;
    }

    /** {@code rule} on {@code backend} over {@code workload}, after the reference check named {@code label}. */
    static MeasuredStep prepare(String label, Workload workload, Backend backend, UpdateRule rule, NonFinitePolicy policy) {
        float[] initialParameters = workload.initialParameters();
        float[] g = workload.gradient();
        ReferenceCheck.requireAgreement(label, rule, backend, initialParameters, g);
        ParameterSet params = workload.layout(backend);
        Buffer parameters = params.flat();
        Buffer gradient = params.newLike().flat();
        gradient.copyFrom(g);
        Optimizer optimizer = Optimizer.builder(rule).backend(backend).parameterCount(params.size())
                .nonFinitePolicy(policy).build();
        return new MeasuredStep(optimizer, parameters, gradient, Refill.of(parameters, initialParameters));
    }

    Optimizer optimizer() {
        return optimizer;
    }

    /** θ back to θ₀ and the state back to zero. */
    void reset() {
        refill.parameters(parameters);
        for (Buffer state : optimizer.state().buffers()) {
            refill.zero(state);
        }
    }

    void step() {
        optimizer.step(parameters, gradient);
    }
}
