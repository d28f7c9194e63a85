package org.optim4j.rule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.ScaleByLearningRate;
import org.optim4j.transform.Transform;

/**
 * An optimizer definition: an immutable chain of {@link Transform}s with an id. The parameters move by the
 * chain's final update (θ ← θ + u). The spec's rules ({@link Sgd}, {@link Momentum}, {@link Nesterov},
 * {@link AdaGrad}, {@link RmsProp}, {@link Adam}) and {@link AdamW} are typed aliases; any other chain is a
 * rule too ({@link #chain(String, Transform...)}), or a class of the user's implementing this interface.
 *
 * <p>A rule runs on the {@code scalar} reference backend whatever its transforms; a fast backend runs it with a
 * fused kernel when it has one for the chain's {@link org.optim4j.spi.KernelKey}, else by composing the
 * transforms (correct, slower; the optimizer logs which). A rule stored in a checkpoint must be registered
 * in {@link Rules} under its id.
 */
public interface UpdateRule {

    /** Short lower-case identifier: {@code sgd}, {@code adam}, {@code adamw}, … (the registry's key). */
    String id();

    /** The chain, in application order. */
    List<Transform> transforms();

    /** Names of the state buffers, one buffer of the parameters' length each (memory cost = this many copies). */
    default List<String> stateNames() {
        List<String> names = new ArrayList<>();
        for (Transform t : transforms()) {
            for (String n : t.stateNames()) {
                if (names.contains(n)) {
                    throw new IllegalStateException("rule '" + id() + "' has two state buffers named '" + n
                            + "'; give the transforms distinct state names");
                }
                names.add(n);
            }
        }
        return names;
    }

    /** Every hyper-parameter's value (a schedule) by its declared name, in chain order. */
    default Map<String, Schedule> hyperParameters() {
        Map<String, Schedule> m = new LinkedHashMap<>();
        for (Transform t : transforms()) {
            for (Transform.Binding b : t.hyperParameters()) {
                m.putIfAbsent(b.param().name(), b.value());
            }
        }
        return m;
    }

    /**
     * α: the schedule of the chain's {@link ScaleByLearningRate}.
     *
     * @throws IllegalStateException if the chain has none
     */
    default Schedule learningRate() {
        for (Transform t : transforms()) {
            if (t instanceof ScaleByLearningRate s) {
                return s.learningRate();
            }
        }
        throw new IllegalStateException("rule '" + id() + "' has no learning rate (no scale_by_learning_rate transform)");
    }

    /** The same rule with another learning-rate schedule. */
    default UpdateRule withLearningRate(Schedule schedule) {
        List<Transform> chain = new ArrayList<>(transforms());
        boolean found = false;
        for (int i = 0; i < chain.size(); i++) {
            if (chain.get(i) instanceof ScaleByLearningRate) {
                chain.set(i, new ScaleByLearningRate(schedule));
                found = true;
            }
        }
        if (!found) {
            throw new IllegalStateException("rule '" + id() + "' has no learning rate to replace");
        }
        return new ChainRule(id(), chain);
    }

    /** True when {@code a} and {@code b} have the same id and equal chains (hyper-parameters and schedules included). */
    static boolean sameDefinition(UpdateRule a, UpdateRule b) {
        return a.id().equals(b.id()) && a.transforms().equals(b.transforms());
    }

    /** A rule made of these transforms, applied in order. */
    static UpdateRule chain(String id, Transform... transforms) {
        return new ChainRule(id, List.of(transforms));
    }
}
