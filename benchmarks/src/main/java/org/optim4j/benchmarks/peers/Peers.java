package org.optim4j.benchmarks.peers;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdaGradUpdater;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.api.ops.impl.updaters.NesterovsUpdater;
import org.nd4j.linalg.api.ops.impl.updaters.RmsPropUpdater;
import org.nd4j.linalg.api.ops.impl.updaters.SgdUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.optim4j.benchmarks.BenchRules;
import org.optim4j.rule.Rules;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.Param;
import org.optim4j.transform.Params;

/**
 * The outside implementations the suite compares with, configured as the same rules as
 * {@link BenchRules}: per rule id, DL4J's updater and ND4J's native updater op, where they have the rule.
 * Neither DL4J nor ND4J has classic (non-Nesterov) momentum, so {@code momentum} has no peer; nor has any
 * rule registered beyond the spec's (it is left out of the peer lists, not failed). Peers run with a
 * constant α (their schedules are other classes); the reference they are checked against uses the same
 * constant α ({@link #constantRate}).
 */
public final class Peers {

    private Peers() {
    }

    /** The registered rule ids DL4J has an updater for, in the registry's order. */
    public static List<String> dl4jRules() {
        return Rules.ids().stream().filter(id -> dl4jFactory(id) != null).toList();
    }

    /** The registered rule ids ND4J has a native updater op for, in the registry's order. */
    public static List<String> nativeOpRules() {
        return Rules.ids().stream().filter(id -> nativeOpFactory(id) != null).toList();
    }

    /** {@code rule} with its learning rate fixed at α₀. */
    static UpdateRule constantRate(UpdateRule rule) {
        return rule.withLearningRate(Schedule.constant(rule.learningRate().value(0)));
    }

    /** DL4J's updater configuration for the same rule and hyper-parameters, if DL4J has the rule. */
    static Optional<IUpdater> dl4jConfig(UpdateRule rule) {
        Function<UpdateRule, IUpdater> f = dl4jFactory(rule.id());
        return f == null ? Optional.empty() : Optional.of(f.apply(rule));
    }

    /** DL4J's updater per rule id (α₀ as its constant learning rate), or null where DL4J has none. */
    private static Function<UpdateRule, IUpdater> dl4jFactory(String id) {
        return switch (id) {
            case "sgd" -> r -> new org.nd4j.linalg.learning.config.Sgd(alpha(r));
            case "nesterov" -> r -> new org.nd4j.linalg.learning.config.Nesterovs(alpha(r), value(r, Params.RHO));
            case "adagrad" -> r -> new org.nd4j.linalg.learning.config.AdaGrad(alpha(r), value(r, Params.EPSILON));
            case "rmsprop" -> r -> new org.nd4j.linalg.learning.config.RmsProp(alpha(r), value(r, Params.RHO2),
                    value(r, Params.EPSILON));
            case "adam" -> r -> new org.nd4j.linalg.learning.config.Adam(alpha(r), value(r, Params.RHO1),
                    value(r, Params.RHO2), value(r, Params.EPSILON));
            default -> null;
        };
    }

    /**
     * One step of an ND4J native updater op: the update into {@code update}, the state ({@code s}, {@code r})
     * in place, the gradient only read. A new op object per step, as DL4J does.
     */
    interface NativeOp {
        void exec(INDArray gradient, INDArray s, INDArray r, INDArray update, double alpha, int t);
    }

    /** ND4J's native op for the same rule and hyper-parameters, if ND4J has the rule. */
    static Optional<NativeOp> nativeOp(UpdateRule rule) {
        Function<UpdateRule, NativeOp> f = nativeOpFactory(rule.id());
        return f == null ? Optional.empty() : Optional.of(f.apply(rule));
    }

    /**
     * ND4J's native op per rule id, hyper-parameters mapped exactly to the spec (Adam's ε passed as
     * ε·√(1−ρ₂^(t+1))), or null where ND4J has none.
     */
    private static Function<UpdateRule, NativeOp> nativeOpFactory(String id) {
        return switch (id) {
            case "sgd" -> rule -> (g, s, r, u, alpha, t) -> Nd4j.exec(new SgdUpdater(g, u, alpha));
            case "nesterov" -> rule -> {
                double rho = value(rule, Params.RHO);
                return (g, s, r, u, alpha, t) -> Nd4j.exec(new NesterovsUpdater(g, s, u, s, alpha, rho));
            };
            case "adagrad" -> rule -> {
                double epsilon = value(rule, Params.EPSILON);
                return (g, s, r, u, alpha, t) -> Nd4j.exec(new AdaGradUpdater(g, r, u, r, alpha, epsilon));
            };
            case "rmsprop" -> rule -> {
                double rho2 = value(rule, Params.RHO2);
                double epsilon = value(rule, Params.EPSILON);
                return (g, s, r, u, alpha, t) -> Nd4j.exec(new RmsPropUpdater(g, r, u, r, alpha, rho2, epsilon));
            };
            case "adam" -> rule -> {
                double rho1 = value(rule, Params.RHO1);
                double rho2 = value(rule, Params.RHO2);
                double epsilon = value(rule, Params.EPSILON);
                return (g, s, r, u, alpha, t) -> Nd4j.exec(new AdamUpdater(g, r, s, u, r, s, alpha, rho1, rho2,
                        epsilon * Math.sqrt(1 - Math.pow(rho2, t + 1)), t));
            };
            default -> null;
        };
    }

    private static double alpha(UpdateRule rule) {
        return rule.learningRate().value(0);
    }

    /**
     * The constant value of hyper-parameter {@code p} of {@code rule}.
     *
     * @throws IllegalArgumentException when the rule has no such parameter or schedules it (peers take constants)
     */
    private static double value(UpdateRule rule, Param p) {
        Schedule s = rule.hyperParameters().get(p.name());
        if (s == null) {
            throw new IllegalArgumentException("rule '" + rule.id() + "' has no hyper-parameter " + p.name());
        }
        double v = s.constantValue();
        if (Double.isNaN(v)) {
            throw new IllegalArgumentException("the peers of rule '" + rule.id() + "' take a constant " + p.name()
                    + ", got the schedule " + s);
        }
        return v;
    }

    /**
     * DL4J's updater over the state {@code view} (null for a rule without state), the state zeroed as the
     * spec starts it: DL4J itself starts AdaGrad's and RMSProp's history at ε, a different rule (1.5% and
     * 0.8% off the reference on this data) at the same cost.
     */
    static GradientUpdater<?> instantiate(IUpdater config, INDArray view) {
        GradientUpdater<?> updater = config.instantiate(view, true);
        if (view != null) {
            view.assign(0);
        }
        return updater;
    }

    /** A float32 vector holding a copy of {@code data}. */
    static INDArray vector(float[] data) {
        return Nd4j.create(data, new long[] {data.length}, DataType.FLOAT);
    }

    /** A zeroed float32 vector. */
    static INDArray zeros(long length) {
        return Nd4j.zeros(DataType.FLOAT, length);
    }
}
