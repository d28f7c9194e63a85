package org.optim4j.rule;

import java.util.List;
import org.optim4j.internal.Check;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.Params;
import org.optim4j.transform.ScaleByLearningRate;
import org.optim4j.transform.Transform;

/**
 * Plain gradient descent: {@code θ = θ − α_t·g}. The spec's dynamic learning rate is a
 * {@link Schedule#linearDecay linear-decay} schedule. Chain: scale_by_learning_rate. Memory: no state.
 */
public record Sgd(Schedule learningRate) implements UpdateRule {
    /** The registry entry: the spec's SGD (linear decay through a schedule). */
    public static final RuleType TYPE = new RuleType("sgd", "SGD, θ = θ − α·g (spec; torch.optim.SGD without momentum)",
            List.of(Params.LEARNING_RATE.withDefault(0.01)),
            v -> v.constantExcept(Params.LEARNING_RATE) ? new Sgd(v.get(Params.LEARNING_RATE))
                    : new ChainRule("sgd", List.of(new ScaleByLearningRate(v.get(Params.LEARNING_RATE)))));

    public Sgd {
        Check.notNull("learningRate", learningRate);
    }

    /** SGD with a constant learning rate α. */
    public static Sgd of(double alpha) {
        return new Sgd(Schedule.constant(alpha));
    }

    @Override
    public String id() {
        return "sgd";
    }

    @Override
    public List<Transform> transforms() {
        return List.of(new ScaleByLearningRate(learningRate));
    }

    @Override
    public Sgd withLearningRate(Schedule schedule) {
        return new Sgd(schedule);
    }

    /** This rule with every hyper-parameter at its default (docs/rules.md). */
    public static Sgd defaults() {
        return (Sgd) TYPE.defaults();
    }

    /** A builder from the defaults: any hyper-parameter by name or alias ({@link RuleBuilder}). */
    public static RuleBuilder builder() {
        return new RuleBuilder(TYPE);
    }
}
