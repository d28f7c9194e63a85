package org.optim4j;

import java.util.List;
import org.optim4j.spi.Buffer;

/**
 * Everything an optimizer carries from one step to the next: the step counter t (the number of
 * steps taken, so the 0-based index of the next step), the rule's state buffers, named as in
 * the spec (s, r), and the number of steps skipped for a non-finite gradient. Buffers start at zero.
 *
 * <p>The buffers are live views: reading them is how tests and checkpoints see the state. Writing
 * them directly bypasses every check; restore a state through {@link Optimizer#load(org.optim4j.state.OptimizerSnapshot)}
 * (a checkpoint file holds a snapshot).
 */
public final class OptimizerState {
    private final List<String> names;
    private final List<Buffer> buffers;
    private long step;
    private long skippedSteps;

    OptimizerState(List<String> names, List<Buffer> buffers) {
        if (names.size() != buffers.size()) {
            throw new IllegalArgumentException(names.size() + " state names " + names + " but "
                    + buffers.size() + " buffers");
        }
        this.names = List.copyOf(names);
        this.buffers = List.copyOf(buffers);
    }

    /** The number of steps taken so far, t of the next step. Skipped steps are not counted. */
    public long step() {
        return step;
    }

    /** The number of steps skipped because the gradient held NaN or ±Infinity ({@link NonFinitePolicy#SKIP_STEP}). */
    public long skippedSteps() {
        return skippedSteps;
    }

    /** The buffer names, in the order of {@link #buffers()}. */
    public List<String> names() {
        return names;
    }

    /** The state buffers, in the order of {@link #names()}. */
    public List<Buffer> buffers() {
        return buffers;
    }

    /**
     * The buffer named {@code name} ({@code s} or {@code r}).
     *
     * @throws IllegalArgumentException naming the buffers this state has, if there is none called {@code name}
     */
    public Buffer buffer(String name) {
        int i = names.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no state buffer named '" + name + "'; this state has " + names);
        }
        return buffers.get(i);
    }

    void setStep(long step) {
        this.step = step;
    }

    void setSkippedSteps(long skippedSteps) {
        this.skippedSteps = skippedSteps;
    }

    @Override
    public String toString() {
        return "OptimizerState[step=" + step + ", skipped=" + skippedSteps + ", buffers=" + names + "]";
    }
}
