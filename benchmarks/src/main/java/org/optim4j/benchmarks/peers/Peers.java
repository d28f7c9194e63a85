package org.optim4j.benchmarks.peers;

import java.util.List;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.optim4j.benchmarks.BenchRules;
import org.optim4j.rule.AdaGrad;
import org.optim4j.rule.Adam;
import org.optim4j.rule.Nesterov;
import org.optim4j.rule.RmsProp;
import org.optim4j.rule.Sgd;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.LearningRateSchedule;

/**
 * The outside implementations the suite compares with, configured as the same rules as
 * {@link BenchRules}. Neither DL4J nor ND4J has classic (non-Nesterov) momentum, so {@code momentum}
 * has no peer. Peers run with a constant α (their schedules are other classes); the reference they are
 * checked against uses the same constant α ({@link #constantRate}).
 */
final class Peers {
    /** Rules that have a peer. */
    static final List<String> RULES = List.of("sgd", "nesterov", "adagrad", "rmsprop", "adam");

    private Peers() {
    }

    /** {@code rule} with its learning rate fixed at α₀. */
    static UpdateRule constantRate(UpdateRule rule) {
        return rule.withLearningRate(LearningRateSchedule.constant(rule.learningRate().rate(0)));
    }

    /** DL4J's updater configuration for the same rule and hyper-parameters, if DL4J has the rule. */
    static Optional<IUpdater> dl4jConfig(UpdateRule rule) {
        double alpha = rule.learningRate().rate(0);
        if (rule instanceof Sgd) {
            return Optional.of(new org.nd4j.linalg.learning.config.Sgd(alpha));
        } else if (rule instanceof Nesterov n) {
            return Optional.of(new org.nd4j.linalg.learning.config.Nesterovs(alpha, n.rho()));
        } else if (rule instanceof AdaGrad a) {
            return Optional.of(new org.nd4j.linalg.learning.config.AdaGrad(alpha, a.epsilon()));
        } else if (rule instanceof RmsProp r) {
            return Optional.of(new org.nd4j.linalg.learning.config.RmsProp(alpha, r.rho2(), r.epsilon()));
        } else if (rule instanceof Adam a) {
            return Optional.of(new org.nd4j.linalg.learning.config.Adam(alpha, a.rho1(), a.rho2(), a.epsilon()));
        }
        return Optional.empty();
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
