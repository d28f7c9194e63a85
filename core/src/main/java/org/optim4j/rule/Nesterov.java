package org.optim4j.rule;

import java.util.List;
import org.optim4j.internal.Check;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.NesterovTrace;
import org.optim4j.transform.Params;
import org.optim4j.transform.ScaleByLearningRate;
import org.optim4j.transform.Transform;

/**
 * Nesterov momentum: momentum with the gradient taken at the look-ahead point.
 *
 * <pre>
 *   g = ∇R(θ + ρ·s)
 *   s = ρ·s − α_t·g
 *   θ = θ + s
 * </pre>
 *
 * Two forms are offered by {@link org.optim4j.Optimizer}: the spec form, {@code step(θ, gradientFunction)},
 * evaluates the gradient function at θ + ρ·s itself; the reparametrised form (DL4J, PyTorch),
 * {@code step(θ̃, g)}, keeps θ̃ = θ + ρ·s as the parameters and takes g = ∇R(θ̃):
 * {@code s' = ρ·s − α·g; θ̃ = θ̃ + (1+ρ)·s' − ρ·s}. Both follow the same trajectory.
 *
 * <p>Chain: scale_by_learning_rate, nesterov_trace (whose look-ahead gives the spec form). Memory: one state
 * buffer (s); the spec form needs two more scratch buffers (look-ahead point and gradient).
 *
 * @param rho ρ ∈ [0, 1)
 */
public record Nesterov(Schedule learningRate, double rho) implements UpdateRule {
    /** The registry entry. */
    public static final RuleType TYPE = new RuleType("nesterov",
            "Nesterov momentum, gradient at θ + ρ·s (spec); reparametrised form as DL4J/PyTorch",
            List.of(Params.LEARNING_RATE.withDefault(0.01), Params.RHO),
            v -> v.constantExcept(Params.LEARNING_RATE) ? new Nesterov(v.get(Params.LEARNING_RATE), v.constant(Params.RHO))
                    : new ChainRule("nesterov", List.of(new ScaleByLearningRate(v.get(Params.LEARNING_RATE)),
                            new NesterovTrace(v.get(Params.RHO)))));

    public Nesterov {
        Check.notNull("learningRate", learningRate);
        Params.RHO.check(rho);
    }

    public static Nesterov of(double alpha, double rho) {
        return new Nesterov(Schedule.constant(alpha), rho);
    }

    @Override
    public String id() {
        return "nesterov";
    }

    @Override
    public List<Transform> transforms() {
        return List.of(new ScaleByLearningRate(learningRate), new NesterovTrace(Schedule.fixed(rho)));
    }

    @Override
    public Nesterov withLearningRate(Schedule schedule) {
        return new Nesterov(schedule, rho);
    }

    /** This rule with every hyper-parameter at its default (docs/rules.md). */
    public static Nesterov defaults() {
        return (Nesterov) TYPE.defaults();
    }

    /** A builder from the defaults: any hyper-parameter by name or alias ({@link RuleBuilder}). */
    public static RuleBuilder builder() {
        return new RuleBuilder(TYPE);
    }
}
