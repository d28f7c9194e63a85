package org.optim4j.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.optim4j.Optimizer;
import org.optim4j.rule.Check;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spi.Buffer;

/**
 * A complete, immutable copy of an optimizer's state — rule with its hyper-parameters and schedule, step
 * counter, skip counter, every state buffer — and optionally the parameters it updates, held in memory
 * independently of any backend. It is written to and read from one file format
 * ({@code docs/checkpoint-format.md}: versioned, little-endian, CRC32C-checked).
 *
 * <pre>{@code
 * // save (atomically: the file on disk is always the previous checkpoint or this one)
 * Checkpoint.capture(optimizer, params.flat()).write(path);
 *
 * // resume, in this or another process, on this or another backend
 * Checkpoint cp = Checkpoint.read(path);                      // verified in full, or CheckpointException
 * Optimizer optimizer = Optimizer.builder(cp.rule()).backend(backend)
 *         .parameterCount(cp.parameterCount()).build();
 * optimizer.restore(cp, params.flat());                       // exact: the next step is the one that was due
 * }</pre>
 *
 * <p>Equality is bitwise over every value and counter; the name of the backend that wrote the
 * checkpoint is informational and not compared.
 */
public final class Checkpoint {
    /** The version of the file format this class writes and reads. */
    public static final int FORMAT_VERSION = CheckpointFormat.VERSION;
    /** The buffer name under which the parameters are stored. */
    public static final String PARAMETERS_NAME = "parameters";

    private final UpdateRule rule;
    private final long step;
    private final long skippedSteps;
    private final int parameterCount;
    private final String backendName;
    private final List<BufferData> state;
    private final BufferData parameters;

    Checkpoint(UpdateRule rule, long step, long skippedSteps, int parameterCount, String backendName,
               List<BufferData> state, BufferData parameters) {
        this.rule = rule;
        this.step = step;
        this.skippedSteps = skippedSteps;
        this.parameterCount = parameterCount;
        this.backendName = backendName;
        this.state = List.copyOf(state);
        this.parameters = parameters;
    }

    /** The optimizer's state alone. */
    public static Checkpoint capture(Optimizer optimizer) {
        return capture(optimizer, null);
    }

    /**
     * The optimizer's state and, when not null, the parameters it updates (a buffer of the optimizer's
     * length; usually {@code ParameterSet.flat()}).
     *
     * @throws IllegalArgumentException if {@code optimizer} is null, {@code parameters} has another length,
     *                                  or the rule's schedule has no checkpoint encoding (a user-defined
     *                                  {@code LearningRateSchedule})
     */
    public static Checkpoint capture(Optimizer optimizer, Buffer parameters) {
        Check.notNull("optimizer", optimizer);
        if (parameters != null && parameters.length() != optimizer.parameterCount()) {
            throw new IllegalArgumentException("parameters has length " + parameters.length()
                    + " but the optimizer updates " + optimizer.parameterCount() + " parameters");
        }
        RuleCodec.hyperParameters(optimizer.rule());
        RuleCodec.scheduleKind(optimizer.rule().learningRate());
        List<BufferData> data = new ArrayList<>();
        for (Buffer b : optimizer.state().buffers()) {
            data.add(BufferData.of(b));
        }
        return new Checkpoint(optimizer.rule(), optimizer.state().step(), optimizer.state().skippedSteps(),
                optimizer.parameterCount(), optimizer.backend().name(), data,
                parameters == null ? null : BufferData.of(parameters));
    }

    /**
     * Reads and fully verifies a checkpoint file (magic, version, length, CRC32C, every field).
     *
     * @throws CheckpointException             if the file is truncated, corrupt, of another format version, or
     *                                         not a checkpoint; the message names the file and the problem
     * @throws java.nio.file.NoSuchFileException if there is no such file
     * @throws IOException                     on an I/O error
     */
    public static Checkpoint read(Path file) throws IOException {
        return CheckpointFormat.read(Check.notNull("file", file));
    }

    /**
     * Writes this checkpoint to {@code file} atomically: into a temporary file in the same directory,
     * forced to the device, then renamed over {@code file}. After a crash at any moment {@code file} holds
     * either the previous checkpoint or this one, never a mix; a crash may leave a
     * {@code <name>.<random>.tmp} file behind, which is never read and may be deleted.
     *
     * <p>One writer per file at a time; readers may read concurrently.
     */
    public void write(Path file) throws IOException {
        CheckpointFormat.write(this, Check.notNull("file", file));
    }

    /** The rule, its hyper-parameters and learning-rate schedule included. */
    public UpdateRule rule() {
        return rule;
    }

    /** The step counter: the number of steps taken, t of the next step. */
    public long step() {
        return step;
    }

    public long skippedSteps() {
        return skippedSteps;
    }

    public int parameterCount() {
        return parameterCount;
    }

    /** The name of the backend the state was captured from (informational). */
    public String backendName() {
        return backendName;
    }

    /** The state buffers' names, as the rule's {@link UpdateRule#stateNames()}. */
    public List<String> stateNames() {
        return rule.stateNames();
    }

    public BufferData stateBuffer(int index) {
        return state.get(index);
    }

    public BufferData stateBuffer(String name) {
        int i = stateNames().indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no state buffer named '" + name + "'; this checkpoint has " + stateNames());
        }
        return state.get(i);
    }

    public boolean hasParameters() {
        return parameters != null;
    }

    /**
     * The parameters.
     *
     * @throws IllegalStateException if this checkpoint holds none
     */
    public BufferData parameters() {
        if (parameters == null) {
            throw new IllegalStateException("this checkpoint holds no parameters");
        }
        return parameters;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Checkpoint)) {
            return false;
        }
        Checkpoint c = (Checkpoint) o;
        return rule.equals(c.rule) && step == c.step && skippedSteps == c.skippedSteps
                && parameterCount == c.parameterCount && state.equals(c.state)
                && Objects.equals(parameters, c.parameters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rule, step, skippedSteps, parameterCount, state, parameters);
    }

    @Override
    public String toString() {
        return "Checkpoint[" + rule + ", step " + step + ", skipped " + skippedSteps + ", " + parameterCount
                + " parameters" + (parameters == null ? "" : " (included)") + ", from " + backendName + "]";
    }
}
