package org.optim4j.rule;

import java.util.ArrayList;
import java.util.List;
import org.optim4j.internal.Check;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.AccumulateGradients;
import org.optim4j.transform.AddDecayedWeights;
import org.optim4j.transform.Params;
import org.optim4j.transform.Transform;

/**
 * Gradient transforms put in front of any rule. The result is a rule whose chain is the transforms, then the rule's
 * chain, with the id {@code t1+t2+…+rule} (e.g. {@code clip_by_value+adam}):
 *
 * <pre>{@code
 * UpdateRule clipped = Transforms.prepend(Adam.of(1e-3), ClipByValue.of(0.5));          // clip_grad_value_(0.5)
 * UpdateRule l2 = Transforms.prepend(Momentum.of(0.1, 0.9), Transforms.l2(1e-4));      // SGD(weight_decay=1e-4)
 * UpdateRule big = Transforms.accumulate(Adam.of(1e-3), 4);                             // 4 micro-batches per step
 * }</pre>
 *
 * <p>Such a rule is not in the {@link Rules} registry's list, but {@link Rules#type} rebuilds it from its id
 * (clip_by_value, clip_by_global_norm, add_decayed_weights and accumulate_gradients in front of a registered rule),
 * so checkpoints store it; a checkpoint refuses it, naming it, when two parts share a hyper-parameter name (l2 in
 * front of AdamW). In-memory snapshots ({@link org.optim4j.Optimizer#snapshot()}) work for any rule. It runs on any backend: a backend without a fused
 * kernel for the whole chain composes the transforms (exact; the optimizer logs it once).
 */
public final class Transforms {
    private Transforms() {
    }

    /** {@code transforms}, then {@code rule}'s chain, as one rule with the id {@code t1+…+rule}. */
    public static UpdateRule prepend(UpdateRule rule, Transform... transforms) {
        Check.notNull("rule", rule);
        Check.notNull("transforms", transforms);
        List<Transform> chain = new ArrayList<>();
        StringBuilder id = new StringBuilder();
        for (Transform t : transforms) {
            chain.add(Check.notNull("transform", t));
            id.append(t.id()).append('+');
        }
        chain.addAll(rule.transforms());
        return new ChainRule(id + rule.id(), chain);
    }

    /**
     * L2 regularisation, coupled: g ← g + λ·θ before the rule ({@link AddDecayedWeights} first in the chain), as
     * PyTorch's {@code weight_decay} argument of SGD, Adam, RMSprop, Adagrad (not AdamW's, which is decoupled).
     */
    public static Transform l2(double lambda) {
        return new AddDecayedWeights(Params.fixed(Params.WEIGHT_DECAY, lambda));
    }

    /** As {@link #l2(double)} with a scheduled λ. */
    public static Transform l2(Schedule lambda) {
        return new AddDecayedWeights(lambda);
    }

    /** Gradient accumulation over {@code k} micro-batches in front of {@code rule}; see {@link AccumulateGradients}. */
    public static UpdateRule accumulate(UpdateRule rule, long k) {
        return prepend(rule, new AccumulateGradients(k));
    }
}
