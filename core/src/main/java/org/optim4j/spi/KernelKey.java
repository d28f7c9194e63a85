package org.optim4j.spi;

import java.util.List;
import java.util.stream.Collectors;
import org.optim4j.internal.Check;
import org.optim4j.rule.UpdateRule;
import org.optim4j.transform.Transform;

/**
 * The open key under which a backend registers a fused kernel: the ids of a chain's transforms, in order,
 * joined by '+' ({@code scale_by_adam+scale_by_learning_rate}). Transforms with one id have one arithmetic and
 * one scalar and state layout, so a kernel registered for a key serves every rule whose chain has that key.
 *
 * <p>A step kernel receives the buffers θ, g, then the chain's state buffers in chain order; a look-ahead
 * kernel ({@link #lookahead(List)}) receives θ, p (written: the point where the gradient is taken), then the
 * state buffers. The scalars are the chain's, in chain order ({@link StepScalars}).
 */
public record KernelKey(String value) {

    public KernelKey {
        Check.notNull("value", value);
    }

    /** The key of a chain. */
    public static KernelKey of(List<Transform> chain) {
        return new KernelKey(chain.stream().map(Transform::id).collect(Collectors.joining("+")));
    }

    /** The key of a rule's chain. */
    public static KernelKey of(UpdateRule rule) {
        return of(rule.transforms());
    }

    /** The key of the kernel that writes a chain's look-ahead point. */
    public static KernelKey lookahead(List<Transform> chain) {
        return new KernelKey("lookahead(" + of(chain).value + ")");
    }

    /** True for a look-ahead key. */
    public boolean isLookahead() {
        return value.startsWith("lookahead(");
    }

    @Override
    public String toString() {
        return value;
    }
}
