package org.optim4j.rule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.AccumulateGradients;
import org.optim4j.transform.AddDecayedWeights;
import org.optim4j.transform.ClipByGlobalNorm;
import org.optim4j.transform.ClipByValue;
import org.optim4j.transform.Param;
import org.optim4j.transform.Params;
import org.optim4j.transform.Transform;

/**
 * The rule types of the chains {@link Transforms#prepend} and {@link Transforms#accumulate} make: an id
 * {@code t1+…+tk+rule} whose parts are gradient transforms this class knows, in front of a registered rule. A
 * checkpoint stores such a rule as its id and hyper-parameters by name, like any other, and {@link Rules#type}
 * rebuilds it from here, so it needs no registration. Refused (naming both) when two parts share a hyper-parameter
 * name (l2 in front of AdamW: two {@code weight_decay}s), since values by name could not tell them apart.
 */
final class PrependedRules {
    /** A gradient transform that may stand in front of a rule: its parameters and how to build it from values. */
    private record Kind(List<Param> params, Function<RuleType.Values, Transform> factory) {
    }

    private static final Map<String, Kind> KINDS = Map.of(
            ClipByValue.ID, new Kind(List.of(ClipByValue.CLIP_VALUE),
                    v -> new ClipByValue(v.get(ClipByValue.CLIP_VALUE))),
            ClipByGlobalNorm.ID, new Kind(List.of(Params.MAX_NORM), v -> new ClipByGlobalNorm(v.get(Params.MAX_NORM))),
            AddDecayedWeights.ID, new Kind(List.of(Params.WEIGHT_DECAY),
                    v -> new AddDecayedWeights(v.get(Params.WEIGHT_DECAY))),
            AccumulateGradients.ID, new Kind(List.of(AccumulateGradients.STEPS), v -> {
                double k = v.constant(AccumulateGradients.STEPS);
                if (k != Math.rint(k)) {
                    throw new IllegalArgumentException(AccumulateGradients.STEPS.name() + " must be a whole number, got "
                            + k);
                }
                return new AccumulateGradients((long) k);
            }));

    private PrependedRules() {
    }

    /** The ids of the transforms a prepended chain may start with. */
    static List<String> transformIds() {
        return List.copyOf(KINDS.keySet());
    }

    /**
     * The type of {@code id} = {@code t1+…+rule}, or null when {@code id} is not such a chain (no '+', a part that is
     * not a known transform, or a last part that {@code registered} does not know).
     *
     * @throws IllegalArgumentException when two parts share a hyper-parameter name
     */
    static RuleType type(String id, Function<String, RuleType> registered) {
        if (!id.contains("+")) {
            return null;
        }
        String[] parts = id.split("\\+", -1);
        RuleType base = registered.apply(parts[parts.length - 1]);
        if (base == null) {
            return null;
        }
        List<Kind> kinds = new ArrayList<>();
        List<Param> params = new ArrayList<>();
        Map<String, String> owner = new LinkedHashMap<>();
        for (int i = 0; i < parts.length; i++) {
            List<Param> ps;
            if (i < parts.length - 1) {
                Kind k = KINDS.get(parts[i]);
                if (k == null) {
                    return null;
                }
                kinds.add(k);
                ps = k.params();
            } else {
                ps = base.params();
            }
            for (Param p : ps) {
                List<String> names = new ArrayList<>(p.aliases());
                names.add(0, p.name());
                for (String n : names) {
                    String before = owner.putIfAbsent(n, parts[i]);
                    if (before != null) {
                        throw new IllegalArgumentException("rule '" + id + "': its parts '" + before + "' and '"
                                + parts[i] + "' both have a hyper-parameter '" + n + "', so values by name cannot "
                                + "rebuild it");
                    }
                }
                params.add(p);
            }
        }
        return new RuleType(id, parts.length - 1 + " gradient transform(s) in front of " + base.id(), params, v -> {
            Transform[] prefix = new Transform[kinds.size()];
            for (int i = 0; i < prefix.length; i++) {
                prefix[i] = kinds.get(i).factory().apply(v);
            }
            Map<Param, Schedule> own = new LinkedHashMap<>();
            for (Param p : base.params()) {
                own.put(p, v.get(p));
            }
            return Transforms.prepend(base.factory().apply(new RuleType.Values(own)), prefix);
        });
    }
}
