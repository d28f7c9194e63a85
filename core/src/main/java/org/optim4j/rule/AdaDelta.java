package org.optim4j.rule;

import java.util.List;
import org.optim4j.internal.Check;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.ScaleByAdaDelta;
import org.optim4j.transform.Params;
import org.optim4j.transform.ScaleByLearningRate;
import org.optim4j.transform.Transform;

/**
 * AdaDelta (Zeiler 2012) as PyTorch 1.13's {@code torch.optim.Adadelta} (weight_decay = 0), α multiplying the
 * step as PyTorch does (α = 1 is Zeiler's rule):
 * <pre>
 *   r = ρ·r + (1 − ρ)·g⊙g
 *   δ = √(d + ε)/√(r + ε)·g
 *   d = ρ·d + (1 − ρ)·δ⊙δ
 *   θ = θ − α_t·δ
 * </pre>
 * ε inside both square roots. Chain: scale_by_adadelta, scale_by_learning_rate. Memory: two state buffers (r, d).
 */
public record AdaDelta(Schedule learningRate, double rho, double epsilon) implements UpdateRule {
    /** The registry entry. */
    public static final RuleType TYPE = new RuleType("adadelta", "AdaDelta (Zeiler 2012; torch.optim.Adadelta)",
            List.of(Params.LEARNING_RATE.withDefault(1.0), ScaleByAdaDelta.RHO, ScaleByAdaDelta.EPSILON),
            v -> v.constantExcept(Params.LEARNING_RATE)
                    ? new AdaDelta(v.get(Params.LEARNING_RATE), v.constant(ScaleByAdaDelta.RHO),
                            v.constant(ScaleByAdaDelta.EPSILON))
                    : new ChainRule("adadelta", List.of(new ScaleByAdaDelta(v.get(ScaleByAdaDelta.RHO),
                            v.get(ScaleByAdaDelta.EPSILON)), new ScaleByLearningRate(v.get(Params.LEARNING_RATE)))));

    public AdaDelta {
        Check.notNull("learningRate", learningRate);
        ScaleByAdaDelta.RHO.check(rho);
        ScaleByAdaDelta.EPSILON.check(epsilon);
    }

    @Override
    public String id() {
        return "adadelta";
    }

    @Override
    public List<Transform> transforms() {
        return List.of(new ScaleByAdaDelta(Schedule.fixed(rho), Schedule.fixed(epsilon)),
                new ScaleByLearningRate(learningRate));
    }

    @Override
    public AdaDelta withLearningRate(Schedule schedule) {
        return new AdaDelta(schedule, rho, epsilon);
    }

    /** This rule with every hyper-parameter at its default (docs/rules.md). */
    public static AdaDelta defaults() {
        return (AdaDelta) TYPE.defaults();
    }

    /** A builder from the defaults: any hyper-parameter by name or alias ({@link RuleBuilder}). */
    public static RuleBuilder builder() {
        return new RuleBuilder(TYPE);
    }
}
