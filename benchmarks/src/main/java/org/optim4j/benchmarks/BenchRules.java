package org.optim4j.benchmarks;

import java.util.List;
import java.util.Map;
import org.optim4j.rule.Rules;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.Params;

/**
 * The rule configurations the suite measures, by rule id, and the memory traffic of each rule. Every rule of
 * the registry ({@link Rules}) is measured at its registered defaults, except where the suite configures it
 * otherwise: SGD uses the spec's linear-decay schedule (α changes every step).
 */
public final class BenchRules {
    /** Every rule id, in the registry's order (the spec's first). */
    public static final List<String> IDS = Rules.ids();

    private BenchRules() {
    }

    /**
     * The configured rule for {@code id}: its registered defaults, or the suite's own configuration where it
     * differs from them.
     *
     * @throws IllegalArgumentException naming the id when it is unknown (or a parameter without default)
     */
    public static UpdateRule rule(String id) {
        if (id.equals("sgd")) {
            return Rules.create(id, Map.of(Params.LEARNING_RATE.name(), Schedule.linearDecay(0.01, 0.001, 1_000_000)));
        }
        return Rules.type(id).defaults();
    }

    /**
     * Bytes moved per parameter by one step in float32: every buffer the kernel reads (4 bytes each)
     * plus every buffer it writes, i.e. 4·(3 + 2·k) for a rule with k state buffers. SGD reads θ, g and
     * writes θ: 12. Momentum, Nesterov, AdaGrad and RMSProp read θ, g and one state buffer and write θ and
     * that buffer: 20. Adam reads θ, g, s, r and writes θ, s, r: 28. (Each written buffer is also read, so
     * write-allocate adds no traffic.) A rule with per-tensor norms (LAMB) reads θ, g and its state once more in
     * the optimizer's first pass: 4·(2 + k) more (LAMB 28 + 16 = 44).
     *
     * @throws IllegalArgumentException naming the id when it is unknown
     */
    public static int bytesPerParameter(String id) {
        boolean twoPasses = rule(id).transforms().stream()
                .anyMatch(t -> t.reduction() == org.optim4j.transform.Transform.Reduction.PER_TENSOR_NORMS);
        return 4 * (3 + 2 * stateCount(id)) + (twoPasses ? 4 * (2 + stateCount(id)) : 0);
    }

    /** How many arrays the rule's kernel reads, θ, g and each state buffer (it writes back all but g): bytes = 4·(2k − 1). */
    public static int arrays(String id) {
        return 2 + stateCount(id);
    }

    private static int stateCount(String id) {
        return rule(id).stateNames().size();
    }
}
