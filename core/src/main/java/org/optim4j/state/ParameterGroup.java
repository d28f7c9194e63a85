package org.optim4j.state;

import java.util.List;
import org.optim4j.internal.Check;
import org.optim4j.rule.UpdateRule;

/**
 * A group of parameters with its own rule (PyTorch's {@code param_groups}, Optax's {@code multi_transform}):
 * a name, the rule (its chain and hyper-parameters) and the ranges of the flat buffer it updates. The groups
 * of one optimizer never overlap and together cover every parameter.
 */
public record ParameterGroup(String name, UpdateRule rule, List<Range> ranges) {
    public ParameterGroup {
        Check.notNull("name", name);
        Check.notNull("rule", rule);
        ranges = List.copyOf(ranges);
    }

    /** The number of parameters in the group. */
    public long size() {
        long n = 0;
        for (Range r : ranges) {
            n += r.length();
        }
        return n;
    }
}
