package org.optim4j.rule;

import java.util.List;
import java.util.stream.Collectors;
import org.optim4j.internal.Check;
import org.optim4j.transform.Transform;

/** A rule given as its chain: what {@link UpdateRule#chain(String, Transform...)} and the registry build. */
public record ChainRule(String id, List<Transform> transforms) implements UpdateRule {

    public ChainRule {
        Check.notNull("id", id);
        if (id.isBlank()) {
            throw new IllegalArgumentException("rule id must not be blank, got '" + id + "'");
        }
        transforms = List.copyOf(Check.notNull("transforms", transforms));
        if (transforms.isEmpty()) {
            throw new IllegalArgumentException("rule '" + id + "' has no transforms");
        }
    }

    @Override
    public String toString() {
        return id + transforms.stream().map(Transform::toString).collect(Collectors.joining(", ", "[", "]"));
    }
}
