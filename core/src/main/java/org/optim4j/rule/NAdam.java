package org.optim4j.rule;

import java.util.List;
import org.optim4j.internal.Check;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.Params;
import org.optim4j.transform.ScaleByLearningRate;
import org.optim4j.transform.ScaleByNAdam;
import org.optim4j.transform.Transform;

/**
 * NAdam (Dozat 2016) exactly as PyTorch 1.13's {@code torch.optim.NAdam} (weight_decay = 0). With k = t+1,
 * μ_k = ρ₁·(1 − ½·0.96^(k·ψ)) and Π_k = μ_1·…·μ_k (per-step scalars, computed on the host):
 * <pre>
 *   s = ρ₁·s + (1 − ρ₁)·g;  r = ρ₂·r + (1 − ρ₂)·g⊙g;  d = √(r/(1 − ρ₂^k)) + ε
 *   θ = θ − α_t·(1 − μ_k)/(1 − Π_k)·g/d − α_t·μ_{k+1}/(1 − Π_k·μ_k·μ_{k+1})·s/d
 * </pre>
 * (PyTorch 1.13's Π'_{k+1}, μ_k twice, and its float32 product: see {@link ScaleByNAdam}). Chain: scale_by_nadam,
 * scale_by_learning_rate. Memory: two state buffers (s, r).
 */
public record NAdam(Schedule learningRate, double rho1, double rho2, double epsilon, double momentumDecay)
        implements UpdateRule {
    /** The registry entry. */
    public static final RuleType TYPE = new RuleType("nadam",
            "NAdam, Nesterov-accelerated Adam (torch.optim.NAdam 1.13)",
            List.of(Params.LEARNING_RATE.withDefault(NAdam.DEFAULT_LEARNING_RATE), Params.RHO1, Params.RHO2,
                    Params.EPSILON, ScaleByNAdam.MOMENTUM_DECAY),
            v -> v.constantExcept(Params.LEARNING_RATE)
                    ? new NAdam(v.get(Params.LEARNING_RATE), v.constant(Params.RHO1), v.constant(Params.RHO2),
                            v.constant(Params.EPSILON), v.constant(ScaleByNAdam.MOMENTUM_DECAY))
                    : new ChainRule("nadam", List.of(new ScaleByNAdam(v.get(Params.RHO1), v.get(Params.RHO2),
                            v.get(Params.EPSILON), v.get(ScaleByNAdam.MOMENTUM_DECAY)),
                            new ScaleByLearningRate(v.get(Params.LEARNING_RATE)))));
    /** PyTorch's default α. */
    public static final double DEFAULT_LEARNING_RATE = 2e-3;

    public NAdam {
        Check.notNull("learningRate", learningRate);
        Params.RHO1.check(rho1);
        Params.RHO2.check(rho2);
        Params.EPSILON.check(epsilon);
        ScaleByNAdam.MOMENTUM_DECAY.check(momentumDecay);
    }

    /** NAdam with a constant α and PyTorch's defaults (ρ₁ 0.9, ρ₂ 0.999, ε 1e-8, ψ 0.004). */
    public static NAdam of(double alpha) {
        return new NAdam(Schedule.constant(alpha), Adam.DEFAULT_RHO1, Adam.DEFAULT_RHO2, Adam.DEFAULT_EPSILON,
                ScaleByNAdam.MOMENTUM_DECAY.defaultValue());
    }

    @Override
    public String id() {
        return "nadam";
    }

    @Override
    public List<Transform> transforms() {
        return List.of(new ScaleByNAdam(Schedule.fixed(rho1), Schedule.fixed(rho2), Schedule.fixed(epsilon),
                Schedule.fixed(momentumDecay)), new ScaleByLearningRate(learningRate));
    }

    @Override
    public NAdam withLearningRate(Schedule schedule) {
        return new NAdam(schedule, rho1, rho2, epsilon, momentumDecay);
    }

    /** This rule with every hyper-parameter at its default (docs/rules.md). */
    public static NAdam defaults() {
        return (NAdam) TYPE.defaults();
    }

    /** A builder from the defaults: any hyper-parameter by name or alias ({@link RuleBuilder}). */
    public static RuleBuilder builder() {
        return new RuleBuilder(TYPE);
    }
}
