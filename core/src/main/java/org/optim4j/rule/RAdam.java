package org.optim4j.rule;

import java.util.List;
import org.optim4j.internal.Check;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.Params;
import org.optim4j.transform.ScaleByLearningRate;
import org.optim4j.transform.ScaleByRAdam;
import org.optim4j.transform.Transform;

/**
 * RAdam (Liu et al. 2020) as PyTorch 1.13's {@code torch.optim.RAdam} (weight_decay = 0): Adam's moments; while
 * the variance's SMA length ρ_k (k = t+1) is at most 5 a plain momentum step θ = θ − α_t·ŝ, afterwards
 * θ = θ − α_t·ŝ·rect_k·√bc₂/(√r + ε) (see {@link ScaleByRAdam}; the host picks the branch per step). Chain:
 * scale_by_radam, scale_by_learning_rate. Memory: two state buffers (s, r).
 */
public record RAdam(Schedule learningRate, double rho1, double rho2, double epsilon) implements UpdateRule {
    /** The registry entry. */
    public static final RuleType TYPE = new RuleType("radam", "RAdam, rectified Adam (torch.optim.RAdam 1.13)",
            List.of(Params.LEARNING_RATE.withDefault(Adam.DEFAULT_LEARNING_RATE), Params.RHO1, Params.RHO2,
                    Params.EPSILON),
            v -> v.constantExcept(Params.LEARNING_RATE)
                    ? new RAdam(v.get(Params.LEARNING_RATE), v.constant(Params.RHO1), v.constant(Params.RHO2),
                            v.constant(Params.EPSILON))
                    : new ChainRule("radam", List.of(new ScaleByRAdam(v.get(Params.RHO1), v.get(Params.RHO2),
                            v.get(Params.EPSILON)), new ScaleByLearningRate(v.get(Params.LEARNING_RATE)))));

    public RAdam {
        Check.notNull("learningRate", learningRate);
        Params.RHO1.check(rho1);
        Params.RHO2.check(rho2);
        Params.EPSILON.check(epsilon);
    }

    @Override
    public String id() {
        return "radam";
    }

    @Override
    public List<Transform> transforms() {
        return List.of(new ScaleByRAdam(Schedule.fixed(rho1), Schedule.fixed(rho2), Schedule.fixed(epsilon)),
                new ScaleByLearningRate(learningRate));
    }

    @Override
    public RAdam withLearningRate(Schedule schedule) {
        return new RAdam(schedule, rho1, rho2, epsilon);
    }

    /** This rule with every hyper-parameter at its default (docs/rules.md). */
    public static RAdam defaults() {
        return (RAdam) TYPE.defaults();
    }

    /** A builder from the defaults: any hyper-parameter by name or alias ({@link RuleBuilder}). */
    public static RuleBuilder builder() {
        return new RuleBuilder(TYPE);
    }
}
