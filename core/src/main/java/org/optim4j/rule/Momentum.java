package org.optim4j.rule;

import java.util.List;
import org.optim4j.internal.Check;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.Params;
import org.optim4j.transform.ScaleByLearningRate;
import org.optim4j.transform.Trace;
import org.optim4j.transform.Transform;

/**
 * Momentum, with α inside the velocity (the spec's and DL4J's convention; PyTorch keeps α outside):
 *
 * <pre>
 *   s = ρ·s − α_t·g
 *   θ = θ + s
 * </pre>
 *
 * Chain: scale_by_learning_rate, trace. Memory: one state buffer (s).
 *
 * @param rho ρ ∈ [0, 1)
 */
public record Momentum(Schedule learningRate, double rho) implements UpdateRule {
    /** The registry entry. */
    public static final RuleType TYPE = new RuleType("momentum",
            "momentum with α inside the velocity (spec, DL4J); torch SGD(momentum=ρ) while α is constant",
            List.of(Params.LEARNING_RATE.withDefault(0.01), Params.RHO),
            v -> v.constantExcept(Params.LEARNING_RATE) ? new Momentum(v.get(Params.LEARNING_RATE), v.constant(Params.RHO))
                    : new ChainRule("momentum", List.of(new ScaleByLearningRate(v.get(Params.LEARNING_RATE)),
                            new Trace(v.get(Params.RHO)))));

    public Momentum {
        Check.notNull("learningRate", learningRate);
        Params.RHO.check(rho);
    }

    public static Momentum of(double alpha, double rho) {
        return new Momentum(Schedule.constant(alpha), rho);
    }

    @Override
    public String id() {
        return "momentum";
    }

    @Override
    public List<Transform> transforms() {
        return List.of(new ScaleByLearningRate(learningRate), new Trace(Schedule.fixed(rho)));
    }

    @Override
    public Momentum withLearningRate(Schedule schedule) {
        return new Momentum(schedule, rho);
    }

    /** This rule with every hyper-parameter at its default (docs/rules.md). */
    public static Momentum defaults() {
        return (Momentum) TYPE.defaults();
    }

    /** A builder from the defaults: any hyper-parameter by name or alias ({@link RuleBuilder}). */
    public static RuleBuilder builder() {
        return new RuleBuilder(TYPE);
    }
}
