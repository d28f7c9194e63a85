package org.optim4j.rule;

import java.util.LinkedHashMap;
import java.util.Map;
import org.optim4j.internal.Check;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.Param;
import org.optim4j.transform.Params;

/**
 * The one builder every rule has ({@code Adam.builder()}, {@code Sgd.builder()}, … or {@code Rules.builder(id)}):
 * start from the rule's defaults, set any hyper-parameter by its name or an alias, as a number or a schedule.
 * The names are the registry's ({@code docs/rules.md}): ρ₁/ρ₂ are PyTorch's and Optax's β₁/β₂ ({@code beta1},
 * {@code beta2} are aliases), {@code lr} and {@code alpha} are the learning rate, {@code momentum} is ρ.
 *
 * <pre>{@code
 * UpdateRule adam = Adam.builder().learningRate(3e-4).beta2(0.99).epsilon(1e-6).build();
 * UpdateRule sgd = Sgd.builder().learningRate(Schedule.linearDecay(0.1, 0.001, 10_000)).build();
 * }</pre>
 *
 * Each setter checks at once that the rule has that hyper-parameter and that the value is in its range, and says
 * which and why in one line; {@link #build()} returns the typed rule ({@code Adam}, …) when every value is a
 * constant, else the same rule as a chain with those schedules.
 */
public final class RuleBuilder {
    private final RuleType type;
    private final Map<String, Schedule> values = new LinkedHashMap<>();

    RuleBuilder(RuleType type) {
        this.type = Check.notNull("type", type);
    }

    /** The registered rule this builder builds. */
    public RuleType type() {
        return type;
    }

    /** Sets the hyper-parameter called {@code name} (or an alias) to a constant. */
    public RuleBuilder set(String name, double value) {
        Param p = Rules.param(type, Check.notNull("name", name));
        return put(p, Rules.constant(p, value));
    }

    /** Sets the hyper-parameter called {@code name} (or an alias) to a schedule of the step. */
    public RuleBuilder set(String name, Schedule value) {
        Param p = Rules.param(type, Check.notNull("name", name));
        return put(p, Params.scheduled(p, Check.notNull("value", value)));
    }

    /** α, constant. */
    public RuleBuilder learningRate(double alpha) {
        return set(Params.LEARNING_RATE.name(), alpha);
    }

    /** α as a schedule of the step. */
    public RuleBuilder learningRate(Schedule alpha) {
        return set(Params.LEARNING_RATE.name(), alpha);
    }

    /** Momentum ρ (SGD-style rules; PyTorch's {@code momentum}). */
    public RuleBuilder momentum(double rho) {
        return set(Params.RHO.name(), rho);
    }

    /** ρ₁, the first-moment decay (PyTorch's and Optax's β₁). */
    public RuleBuilder beta1(double rho1) {
        return set(Params.RHO1.name(), rho1);
    }

    /** ρ₂, the second-moment decay (PyTorch's and Optax's β₂; RMSProp's α in PyTorch). */
    public RuleBuilder beta2(double rho2) {
        return set(Params.RHO2.name(), rho2);
    }

    /** ε. */
    public RuleBuilder epsilon(double epsilon) {
        return set(Params.EPSILON.name(), epsilon);
    }

    /** λ, the weight decay. */
    public RuleBuilder weightDecay(double lambda) {
        return set(Params.WEIGHT_DECAY.name(), lambda);
    }

    /** The rule: the values set, this rule's defaults for the rest. */
    public UpdateRule build() {
        return Rules.create(type.id(), values);
    }

    private RuleBuilder put(Param p, Schedule value) {
        values.put(p.name(), value); // set twice: the last one wins, as a builder's setter does
        return this;
    }
}
