package org.optim4j.rule;

import java.util.List;
import org.optim4j.internal.Check;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.Params;
import org.optim4j.transform.ScaleByAdam;
import org.optim4j.transform.ScaleByLearningRate;
import org.optim4j.transform.Transform;

/**
 * Adam (Kingma &amp; Ba 2015), ε outside the square root and added after bias correction
 * (as PyTorch and Optax; DL4J's native op adds it to the uncorrected r):
 *
 * <pre>
 *   s = ρ₁·s + (1 − ρ₁)·g
 *   r = ρ₂·r + (1 − ρ₂)·g⊙g
 *   ŝ = s / (1 − ρ₁^(t+1))
 *   r̂ = r / (1 − ρ₂^(t+1))
 *   θ = θ − α_t·ŝ / (√r̂ + ε)
 * </pre>
 *
 * Chain: scale_by_adam, scale_by_learning_rate. Memory: two state buffers (s, r).
 *
 * @param rho1    ρ₁ ∈ [0, 1), default {@value #DEFAULT_RHO1}
 * @param rho2    ρ₂ ∈ [0, 1), default {@value #DEFAULT_RHO2}
 * @param epsilon ε &gt; 0, default {@value #DEFAULT_EPSILON}
 */
public record Adam(Schedule learningRate, double rho1, double rho2, double epsilon) implements UpdateRule {
    /** The registry entry. */
    public static final RuleType TYPE = new RuleType("adam",
            "Adam, ε after bias correction (spec; torch.optim.Adam, optax.adam)",
            List.of(Params.LEARNING_RATE.withDefault(Adam.DEFAULT_LEARNING_RATE), Params.RHO1, Params.RHO2, Params.EPSILON),
            v -> v.constantExcept(Params.LEARNING_RATE)
                    ? new Adam(v.get(Params.LEARNING_RATE), v.constant(Params.RHO1), v.constant(Params.RHO2),
                            v.constant(Params.EPSILON))
                    : new ChainRule("adam", List.of(new ScaleByAdam(v.get(Params.RHO1), v.get(Params.RHO2),
                            v.get(Params.EPSILON)), new ScaleByLearningRate(v.get(Params.LEARNING_RATE)))));
    public static final double DEFAULT_LEARNING_RATE = 1e-3;
    public static final double DEFAULT_RHO1 = 0.9;
    public static final double DEFAULT_RHO2 = 0.999;
    public static final double DEFAULT_EPSILON = 1e-8;

    public Adam {
        Check.notNull("learningRate", learningRate);
        Params.RHO1.check(rho1);
        Params.RHO2.check(rho2);
        Params.EPSILON.check(epsilon);
    }

    /** Adam with every default: α = 1e-3, ρ₁ = 0.9, ρ₂ = 0.999, ε = 1e-8. */
    public static Adam defaults() {
        return of(DEFAULT_LEARNING_RATE);
    }

    /** Adam with a constant learning rate and the default ρ₁, ρ₂, ε. */
    public static Adam of(double alpha) {
        return new Adam(Schedule.constant(alpha), DEFAULT_RHO1, DEFAULT_RHO2, DEFAULT_EPSILON);
    }

    @Override
    public String id() {
        return "adam";
    }

    @Override
    public List<Transform> transforms() {
        return List.of(new ScaleByAdam(Schedule.fixed(rho1), Schedule.fixed(rho2), Schedule.fixed(epsilon)),
                new ScaleByLearningRate(learningRate));
    }

    @Override
    public Adam withLearningRate(Schedule schedule) {
        return new Adam(schedule, rho1, rho2, epsilon);
    }

    /** A builder from the defaults: any hyper-parameter by name or alias ({@link RuleBuilder}). */
    public static RuleBuilder builder() {
        return new RuleBuilder(TYPE);
    }
}
