package org.optim4j.rule;

import java.util.List;
import org.optim4j.internal.Check;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.Params;
import org.optim4j.transform.ScaleByAdaGrad;
import org.optim4j.transform.ScaleByLearningRate;
import org.optim4j.transform.Transform;

/**
 * AdaGrad, ε outside the square root (as PyTorch and DL4J; Optax puts it inside):
 *
 * <pre>
 *   r = r + g⊙g
 *   θ = θ − α_t·g / (√r + ε)
 * </pre>
 *
 * Chain: scale_by_adagrad, scale_by_learning_rate. Memory: one state buffer (r).
 *
 * @param epsilon ε &gt; 0, default {@value #DEFAULT_EPSILON}
 */
public record AdaGrad(Schedule learningRate, double epsilon) implements UpdateRule {
    /** The registry entry. */
    public static final RuleType TYPE = new RuleType("adagrad",
            "AdaGrad, ε outside √ (spec; torch.optim.Adagrad with lr_decay=0)",
            List.of(Params.LEARNING_RATE.withDefault(0.01), Params.EPSILON),
            v -> v.constantExcept(Params.LEARNING_RATE)
                    ? new AdaGrad(v.get(Params.LEARNING_RATE), v.constant(Params.EPSILON))
                    : new ChainRule("adagrad", List.of(new ScaleByAdaGrad(v.get(Params.EPSILON)),
                            new ScaleByLearningRate(v.get(Params.LEARNING_RATE)))));
    public static final double DEFAULT_EPSILON = 1e-8;

    public AdaGrad {
        Check.notNull("learningRate", learningRate);
        Params.EPSILON.check(epsilon);
    }

    /** AdaGrad with a constant learning rate and the default ε. */
    public static AdaGrad of(double alpha) {
        return new AdaGrad(Schedule.constant(alpha), DEFAULT_EPSILON);
    }

    @Override
    public String id() {
        return "adagrad";
    }

    @Override
    public List<Transform> transforms() {
        return List.of(new ScaleByAdaGrad(Schedule.fixed(epsilon)), new ScaleByLearningRate(learningRate));
    }

    @Override
    public AdaGrad withLearningRate(Schedule schedule) {
        return new AdaGrad(schedule, epsilon);
    }

    /** This rule with every hyper-parameter at its default (docs/rules.md). */
    public static AdaGrad defaults() {
        return (AdaGrad) TYPE.defaults();
    }

    /** A builder from the defaults: any hyper-parameter by name or alias ({@link RuleBuilder}). */
    public static RuleBuilder builder() {
        return new RuleBuilder(TYPE);
    }
}
