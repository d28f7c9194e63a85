package org.optim4j.rule;

import java.util.List;
import org.optim4j.internal.Check;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.AddDecayedWeights;
import org.optim4j.transform.Params;
import org.optim4j.transform.ScaleByLearningRate;
import org.optim4j.transform.TorchTrace;
import org.optim4j.transform.Transform;

/**
 * SGD with PyTorch 1.13's conventions, {@code torch.optim.SGD(momentum=ρ, dampening, nesterov, weight_decay=λ)}:
 * <pre>
 *   d = g + λ·θ                                   (L2 weight decay, coupled)
 *   b = d at the first step, else ρ·b + (1 − dampening)·d
 *   d = b, or with Nesterov d + ρ·b               (ρ = 0: d unchanged, no buffer used)
 *   θ = θ − α_t·d                                  (α outside the velocity)
 * </pre>
 * The spec's {@code momentum} rule keeps α inside the velocity; the two agree while α is constant and dampening
 * is 0. Chain: add_decayed_weights, torch_trace (torch_nesterov_trace), scale_by_learning_rate. Memory: one
 * state buffer (b). Registered twice: {@code sgd_torch} and {@code sgd_torch_nesterov} (dampening 0).
 */
public record SgdTorch(Schedule learningRate, double momentum, double dampening, double weightDecay,
                       boolean nesterov) implements UpdateRule {
    /** PyTorch's momentum ρ (default 0). */
    public static final org.optim4j.transform.Param MOMENTUM = Params.RHO.withDefault(0);
    /** PyTorch's L2 weight decay λ (default 0), added to the gradient. */
    public static final org.optim4j.transform.Param WEIGHT_DECAY = Params.WEIGHT_DECAY.withDefault(0);
    /** The registry entry of plain (heavy-ball) momentum. */
    public static final RuleType TYPE = new RuleType("sgd_torch",
            "SGD with PyTorch's momentum, dampening and L2 weight decay (torch.optim.SGD)",
            List.of(Params.LEARNING_RATE.withDefault(0.01), MOMENTUM, TorchTrace.DAMPENING, WEIGHT_DECAY),
            v -> v.constantExcept(Params.LEARNING_RATE)
                    ? new SgdTorch(v.get(Params.LEARNING_RATE), v.constant(MOMENTUM), v.constant(TorchTrace.DAMPENING),
                            v.constant(WEIGHT_DECAY), false)
                    : new ChainRule("sgd_torch", chain(v.get(Params.LEARNING_RATE), v.get(MOMENTUM),
                            v.get(TorchTrace.DAMPENING), v.get(WEIGHT_DECAY), false)));
    /** The registry entry with Nesterov momentum (PyTorch requires dampening 0 then). */
    public static final RuleType NESTEROV_TYPE = new RuleType("sgd_torch_nesterov",
            "SGD with PyTorch's Nesterov momentum and L2 weight decay (torch.optim.SGD(nesterov=True))",
            List.of(Params.LEARNING_RATE.withDefault(0.01), Params.RHO, WEIGHT_DECAY),
            v -> v.constantExcept(Params.LEARNING_RATE)
                    ? new SgdTorch(v.get(Params.LEARNING_RATE), v.constant(Params.RHO), 0, v.constant(WEIGHT_DECAY),
                            true)
                    : new ChainRule("sgd_torch_nesterov", chain(v.get(Params.LEARNING_RATE), v.get(Params.RHO),
                            Schedule.fixed(0), v.get(WEIGHT_DECAY), true)));

    public SgdTorch {
        Check.notNull("learningRate", learningRate);
        MOMENTUM.check(momentum);
        TorchTrace.DAMPENING.check(dampening);
        WEIGHT_DECAY.check(weightDecay);
        if (nesterov && dampening != 0) {
            throw new IllegalArgumentException("dampening must be 0 with Nesterov momentum, got " + dampening);
        }
    }

    private static List<Transform> chain(Schedule lr, Schedule rho, Schedule dampening, Schedule wd,
                                         boolean nesterov) {
        return List.of(new AddDecayedWeights(wd), new TorchTrace(rho, dampening, nesterov), new ScaleByLearningRate(lr));
    }

    @Override
    public String id() {
        return nesterov ? "sgd_torch_nesterov" : "sgd_torch";
    }

    @Override
    public List<Transform> transforms() {
        return chain(learningRate, Schedule.fixed(momentum), Schedule.fixed(dampening), Schedule.fixed(weightDecay),
                nesterov);
    }

    @Override
    public SgdTorch withLearningRate(Schedule schedule) {
        return new SgdTorch(schedule, momentum, dampening, weightDecay, nesterov);
    }

    /** This rule with every hyper-parameter at its default (docs/rules.md). */
    public static SgdTorch defaults() {
        return (SgdTorch) TYPE.defaults();
    }

    /** A builder from the defaults: any hyper-parameter by name or alias ({@link RuleBuilder}). */
    public static RuleBuilder builder() {
        return new RuleBuilder(TYPE);
    }

    /** {@link #defaults()} with Nesterov momentum ({@code sgd_torch_nesterov}). */
    public static SgdTorch nesterovDefaults() {
        return (SgdTorch) NESTEROV_TYPE.defaults();
    }

    /** {@link #builder()} with Nesterov momentum ({@code sgd_torch_nesterov}). */
    public static RuleBuilder nesterovBuilder() {
        return new RuleBuilder(NESTEROV_TYPE);
    }
}
