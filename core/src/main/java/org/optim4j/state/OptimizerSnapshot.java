package org.optim4j.state;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.optim4j.internal.Check;
import org.optim4j.rule.UpdateRule;

/**
 * Everything an optimizer carries from one step to the next, as an immutable value independent of any backend
 * (PyTorch's {@code state_dict}): the step and skip counters, the tensor layout by name, each parameter group
 * with its rule (hyper-parameters and schedules included) and ranges, and each state buffer by name over the
 * whole flat layout ({@link #state(String, String)} gives one tensor's slice).
 *
 * <p>{@code Optimizer.snapshot()} makes one and {@code Optimizer.load(snapshot, …)} puts it back; the checkpoint
 * file format serialises it. Equality is bitwise over every value.
 */
public final class OptimizerSnapshot {
    private final long step;
    private final long skippedSteps;
    private final int parameterCount;
    private final List<TensorSlot> tensors;
    private final List<ParameterGroup> groups;
    private final Map<String, BufferData> state;

    public OptimizerSnapshot(long step, long skippedSteps, int parameterCount, List<TensorSlot> tensors,
                             List<ParameterGroup> groups, Map<String, BufferData> state) {
        if (step < 0 || skippedSteps < 0 || parameterCount < 0) {
            throw new IllegalArgumentException("negative counter: step " + step + ", skipped " + skippedSteps
                    + ", parameter count " + parameterCount);
        }
        this.step = step;
        this.skippedSteps = skippedSteps;
        this.parameterCount = parameterCount;
        this.tensors = List.copyOf(Check.notNull("tensors", tensors));
        this.groups = List.copyOf(Check.notNull("groups", groups));
        this.state = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(Check.notNull("state", state)));
        List<String> expected = stateNames(groups);
        if (!expected.equals(new ArrayList<>(state.keySet()))) {
            throw new IllegalArgumentException("the groups' rules have state buffers " + expected
                    + " but the snapshot holds " + state.keySet());
        }
        for (Map.Entry<String, BufferData> e : state.entrySet()) {
            if (e.getValue().length() != parameterCount) {
                throw new IllegalArgumentException("state buffer '" + e.getKey() + "' has " + e.getValue().length()
                        + " elements but the snapshot is for " + parameterCount + " parameters");
            }
        }
    }

    /** The union of the groups' state names, in group then chain order: the optimizer's state buffers. */
    public static List<String> stateNames(List<ParameterGroup> groups) {
        List<String> names = new ArrayList<>();
        for (ParameterGroup g : groups) {
            for (String n : g.rule().stateNames()) {
                if (!names.contains(n)) {
                    names.add(n);
                }
            }
        }
        return names;
    }

    /** The number of steps taken, t of the next step. */
    public long step() {
        return step;
    }

    public long skippedSteps() {
        return skippedSteps;
    }

    public int parameterCount() {
        return parameterCount;
    }

    public List<TensorSlot> tensors() {
        return tensors;
    }

    public List<ParameterGroup> groups() {
        return groups;
    }

    /** The rule of the only group. @throws IllegalStateException if there are several groups */
    public UpdateRule rule() {
        if (groups.size() != 1) {
            throw new IllegalStateException("this snapshot has " + groups.size() + " parameter groups; use groups()");
        }
        return groups.get(0).rule();
    }

    /** The state buffers by name, over the whole flat layout. */
    public Map<String, BufferData> state() {
        return state;
    }

    /** The state buffer {@code name}. @throws IllegalArgumentException naming the buffers there are */
    public BufferData state(String name) {
        BufferData d = state.get(name);
        if (d == null) {
            throw new IllegalArgumentException("no state buffer named '" + name + "'; this snapshot has " + state.keySet());
        }
        return d;
    }

    /** Tensor {@code tensor}'s slice of state buffer {@code name}. */
    public BufferData state(String name, String tensor) {
        for (TensorSlot t : tensors) {
            if (t.name().equals(tensor)) {
                return state(name).slice(t.offset(), t.end());
            }
        }
        throw new IllegalArgumentException("no tensor named '" + tensor + "'; this snapshot has " + tensorNames());
    }

    /** The tensors' names, in layout order. */
    public List<String> tensorNames() {
        List<String> n = new ArrayList<>();
        for (TensorSlot t : tensors) {
            n.add(t.name());
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof OptimizerSnapshot s)) {
            return false;
        }
        if (step != s.step || skippedSteps != s.skippedSteps || parameterCount != s.parameterCount
                || !tensors.equals(s.tensors) || !state.equals(s.state) || groups.size() != s.groups.size()) {
            return false;
        }
        for (int i = 0; i < groups.size(); i++) {
            ParameterGroup a = groups.get(i), b = s.groups.get(i);
            if (!a.name().equals(b.name()) || !a.ranges().equals(b.ranges())
                    || !UpdateRule.sameDefinition(a.rule(), b.rule())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(step, skippedSteps, parameterCount, tensors, state);
    }

    @Override
    public String toString() {
        return "OptimizerSnapshot[step " + step + ", skipped " + skippedSteps + ", " + parameterCount
                + " parameters, tensors " + tensorNames() + ", groups " + groups.stream().map(g -> g.name() + ":"
                + g.rule().id()).toList() + ", state " + state.keySet() + "]";
    }
}
