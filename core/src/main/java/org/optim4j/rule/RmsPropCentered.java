package org.optim4j.rule;

import java.util.ArrayList;
import java.util.List;
import org.optim4j.internal.Check;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.Params;
import org.optim4j.transform.ScaleByCenteredRms;
import org.optim4j.transform.ScaleByLearningRate;
import org.optim4j.transform.Trace;
import org.optim4j.transform.Transform;

/**
 * Centered RMSProp, optionally with momentum, as PyTorch 1.13's
 * {@code torch.optim.RMSprop(alpha=ρ₂, centered=True, momentum=ρ)} (weight_decay = 0):
 * <pre>
 *   r = ρ₂·r + (1 − ρ₂)·g⊙g;  m = ρ₂·m + (1 − ρ₂)·g
 *   u = g / (√(r − m⊙m) + ε)
 *   ρ = 0:  θ = θ − α_t·u
 *   ρ &gt; 0:  b = ρ·b + u;  θ = θ − α_t·b         (α outside the velocity, as PyTorch)
 * </pre>
 * Chain: scale_by_centered_rms, [trace when ρ ≠ 0], scale_by_learning_rate: a constant ρ = 0 leaves the trace
 * (and its buffer) out. Memory: two state buffers (r, m), three with momentum (r, m, s).
 */
public record RmsPropCentered(Schedule learningRate, double rho2, double epsilon, double momentum)
        implements UpdateRule {
    /** ρ of the momentum, PyTorch's {@code momentum} (default 0: no momentum buffer). */
    public static final org.optim4j.transform.Param MOMENTUM = Params.RHO.withDefault(0);
    /** The registry entry. */
    public static final RuleType TYPE = new RuleType("rmsprop_centered",
            "centered RMSProp, optional momentum (torch.optim.RMSprop(centered=True, momentum=ρ))",
            List.of(Params.LEARNING_RATE.withDefault(0.01), Params.RHO2.withDefault(0.99), Params.EPSILON, MOMENTUM),
            v -> v.constantExcept(Params.LEARNING_RATE)
                    ? new RmsPropCentered(v.get(Params.LEARNING_RATE), v.constant(Params.RHO2),
                            v.constant(Params.EPSILON), v.constant(MOMENTUM))
                    : new ChainRule("rmsprop_centered", chain(v.get(Params.LEARNING_RATE), v.get(Params.RHO2),
                            v.get(Params.EPSILON), v.get(MOMENTUM))));

    public RmsPropCentered {
        Check.notNull("learningRate", learningRate);
        Params.RHO2.check(rho2);
        Params.EPSILON.check(epsilon);
        MOMENTUM.check(momentum);
    }

    private static List<Transform> chain(Schedule lr, Schedule rho2, Schedule eps, Schedule momentum) {
        List<Transform> chain = new ArrayList<>();
        chain.add(new ScaleByCenteredRms(rho2, eps));
        if (momentum.constantValue() != 0) {
            chain.add(new Trace(momentum));
        }
        chain.add(new ScaleByLearningRate(lr));
        return List.copyOf(chain);
    }

    @Override
    public String id() {
        return "rmsprop_centered";
    }

    @Override
    public List<Transform> transforms() {
        return chain(learningRate, Schedule.fixed(rho2), Schedule.fixed(epsilon), Schedule.fixed(momentum));
    }

    @Override
    public RmsPropCentered withLearningRate(Schedule schedule) {
        return new RmsPropCentered(schedule, rho2, epsilon, momentum);
    }

    /** This rule with every hyper-parameter at its default (docs/rules.md). */
    public static RmsPropCentered defaults() {
        return (RmsPropCentered) TYPE.defaults();
    }

    /** A builder from the defaults: any hyper-parameter by name or alias ({@link RuleBuilder}). */
    public static RuleBuilder builder() {
        return new RuleBuilder(TYPE);
    }
}
