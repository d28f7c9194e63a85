package org.optim4j.benchmarks;

import java.util.List;
import org.optim4j.rule.AdaGrad;
import org.optim4j.rule.Adam;
import org.optim4j.rule.Momentum;
import org.optim4j.rule.Nesterov;
import org.optim4j.rule.RmsProp;
import org.optim4j.rule.Sgd;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.LearningRateSchedule;

/**
 * The rule configurations the suite measures, by rule id, and the memory traffic of each rule.
 * SGD uses the spec's linear-decay schedule (α changes every step); the others use typical defaults.
 */
public final class BenchRules {
    /** Every rule id, in the order of the spec. */
    public static final List<String> IDS = List.of("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam");

    private BenchRules() {
    }

    /**
     * The configured rule for {@code id}.
     *
     * @throws IllegalArgumentException naming the id when it is unknown
     */
    public static UpdateRule rule(String id) {
        switch (id) {
            case "sgd":
                return new Sgd(LearningRateSchedule.linearDecay(0.01, 0.001, 1_000_000));
            case "momentum":
                return Momentum.of(0.01, 0.9);
            case "nesterov":
                return Nesterov.of(0.01, 0.9);
            case "adagrad":
                return AdaGrad.of(0.01);
            case "rmsprop":
                return RmsProp.of(1e-3);
            case "adam":
                return Adam.defaults();
            default:
                throw new IllegalArgumentException("unknown rule '" + id + "'; known: " + IDS);
        }
    }

    /**
     * Bytes moved per parameter by one step in float32: every buffer the kernel reads (4 bytes each)
     * plus every buffer it writes. SGD reads θ, g and writes θ: 12. Momentum, Nesterov, AdaGrad and
     * RMSProp read θ, g and one state buffer and write θ and that buffer: 20. Adam reads θ, g, s, r and
     * writes θ, s, r: 28. (Each written buffer is also read, so write-allocate adds no traffic.)
     */
    public static int bytesPerParameter(String id) {
        switch (id) {
            case "sgd":
                return 12;
            case "momentum":
            case "nesterov":
            case "adagrad":
            case "rmsprop":
                return 20;
            case "adam":
                return 28;
            default:
                throw new IllegalArgumentException("unknown rule '" + id + "'; known: " + IDS);
        }
    }

    /** How many arrays the rule's kernel reads (it writes back all but the gradient): bytes = 4·(2k − 1). */
    public static int arrays(String id) {
        return (bytesPerParameter(id) / 4 + 1) / 2;
    }
}
