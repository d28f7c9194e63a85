package org.optim4j.rule;

import java.util.List;
import org.optim4j.internal.Check;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.Params;
import org.optim4j.transform.ScaleByAmsGrad;
import org.optim4j.transform.ScaleByLearningRate;
import org.optim4j.transform.Transform;

/**
 * AMSGrad (Reddi et al. 2018) as PyTorch 1.13's {@code torch.optim.Adam(amsgrad=True)}:
 * <pre>
 *   s = ρ₁·s + (1 − ρ₁)·g;  r = ρ₂·r + (1 − ρ₂)·g⊙g;  r_max = max(r_max, r)
 *   θ = θ − (α_t/bc₁)·s / (√r_max/√bc₂ + ε)
 * </pre>
 * The maximum is kept of the uncorrected r and divided by bc₂ afterwards, as PyTorch does. Chain:
 * scale_by_amsgrad, scale_by_learning_rate. Memory: three state buffers (s, r, r_max).
 */
public record AmsGrad(Schedule learningRate, double rho1, double rho2, double epsilon) implements UpdateRule {
    /** The registry entry. */
    public static final RuleType TYPE = new RuleType("amsgrad",
            "AMSGrad: Adam with the running maximum of r (torch.optim.Adam(amsgrad=True))",
            List.of(Params.LEARNING_RATE.withDefault(Adam.DEFAULT_LEARNING_RATE), Params.RHO1, Params.RHO2,
                    Params.EPSILON),
            v -> v.constantExcept(Params.LEARNING_RATE)
                    ? new AmsGrad(v.get(Params.LEARNING_RATE), v.constant(Params.RHO1), v.constant(Params.RHO2),
                            v.constant(Params.EPSILON))
                    : new ChainRule("amsgrad", chain(v.get(Params.LEARNING_RATE), v.get(Params.RHO1),
                            v.get(Params.RHO2), v.get(Params.EPSILON))));

    public AmsGrad {
        Check.notNull("learningRate", learningRate);
        Params.RHO1.check(rho1);
        Params.RHO2.check(rho2);
        Params.EPSILON.check(epsilon);
    }

    /** AMSGrad with a constant α and the default ρ₁, ρ₂, ε. */
    public static AmsGrad of(double alpha) {
        return new AmsGrad(Schedule.constant(alpha), Adam.DEFAULT_RHO1, Adam.DEFAULT_RHO2, Adam.DEFAULT_EPSILON);
    }

    static List<Transform> chain(Schedule lr, Schedule rho1, Schedule rho2, Schedule eps) {
        return List.of(new ScaleByAmsGrad(rho1, rho2, eps), new ScaleByLearningRate(lr));
    }

    @Override
    public String id() {
        return "amsgrad";
    }

    @Override
    public List<Transform> transforms() {
        return chain(learningRate, Schedule.fixed(rho1), Schedule.fixed(rho2), Schedule.fixed(epsilon));
    }

    @Override
    public AmsGrad withLearningRate(Schedule schedule) {
        return new AmsGrad(schedule, rho1, rho2, epsilon);
    }

    /** This rule with every hyper-parameter at its default (docs/rules.md). */
    public static AmsGrad defaults() {
        return (AmsGrad) TYPE.defaults();
    }

    /** A builder from the defaults: any hyper-parameter by name or alias ({@link RuleBuilder}). */
    public static RuleBuilder builder() {
        return new RuleBuilder(TYPE);
    }
}
