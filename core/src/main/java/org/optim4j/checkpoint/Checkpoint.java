package org.optim4j.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.optim4j.Optimizer;
import org.optim4j.internal.Check;
import org.optim4j.rule.Rules;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;
import org.optim4j.schedule.Schedules;
import org.optim4j.spi.Buffer;
import org.optim4j.state.BufferData;
import org.optim4j.state.OptimizerSnapshot;
import org.optim4j.state.ParameterGroup;

/**
 * An optimizer's {@link OptimizerSnapshot}, optionally the parameters it updates, and string metadata of the
 * caller's (what a training run needs to be the same run: seed, data, layout), held in memory independently of
 * any backend, and written to and read from one file format ({@code docs/checkpoint-format.md}: versioned,
 * little-endian, CRC32C-checked, written atomically).
 *
 * <pre>{@code
 * Checkpoint.capture(optimizer, params.flat()).write(path);      // atomically
 *
 * Checkpoint cp = Checkpoint.read(path);                          // verified in full, or CheckpointException
 * Optimizer optimizer = Optimizer.builder(cp.rule()).backend(backend).parameterCount(cp.parameterCount()).build();
 * cp.restore(optimizer, params.flat());                          // exact: the next step is the one that was due
 * }</pre>
 *
 * <p>Equality is bitwise over every value and counter; the name of the backend that wrote the checkpoint is
 * informational and not compared.
 */
public final class Checkpoint {
    /** The version of the file format this class writes; it also reads version 1. */
    public static final int FORMAT_VERSION = CheckpointFormat.VERSION;
    /** The buffer name under which the parameters are stored. */
    public static final String PARAMETERS_NAME = "parameters";

    private final OptimizerSnapshot snapshot;
    private final BufferData parameters;
    private final String backendName;
    private final Map<String, String> metadata;

    Checkpoint(OptimizerSnapshot snapshot, BufferData parameters, String backendName, Map<String, String> metadata) {
        this.snapshot = snapshot;
        this.parameters = parameters;
        this.backendName = backendName;
        this.metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        if (parameters != null && parameters.length() != snapshot.parameterCount()) {
            throw new IllegalArgumentException("parameters have " + parameters.length() + " elements but the state is for "
                    + snapshot.parameterCount());
        }
    }

    /** The optimizer's state alone. */
    public static Checkpoint capture(Optimizer optimizer) {
        return capture(optimizer, null, Map.of());
    }

    /** The optimizer's state and, when not null, the parameters it updates. */
    public static Checkpoint capture(Optimizer optimizer, Buffer parameters) {
        return capture(optimizer, parameters, Map.of());
    }

    /**
     * The optimizer's state, the parameters (when not null; a buffer of the optimizer's length, usually
     * {@code ParameterSet.flat()}), and the caller's metadata.
     *
     * @throws IllegalArgumentException if {@code optimizer} is null, {@code parameters} has another length, or a
     *                                  rule or schedule cannot be stored (a rule not registered in {@link Rules},
     *                                  a schedule that is not {@link Schedule.Encodable}); the message names it
     */
    public static Checkpoint capture(Optimizer optimizer, Buffer parameters, Map<String, String> metadata) {
        Check.notNull("optimizer", optimizer);
        Check.notNull("metadata", metadata);
        if (parameters != null && parameters.length() != optimizer.parameterCount()) {
            throw new IllegalArgumentException("parameters has length " + parameters.length()
                    + " but the optimizer updates " + optimizer.parameterCount() + " parameters");
        }
        for (ParameterGroup g : optimizer.groups()) {
            checkStorable(g.rule());
        }
        return new Checkpoint(optimizer.snapshot(), parameters == null ? null : BufferData.of(parameters),
                optimizer.backend().name(), metadata);
    }

    /**
     * A checkpoint stores a rule as its id and hyper-parameters by name, and rebuilds it through {@link Rules}: so the
     * id must be registered, and the registry must rebuild exactly this chain (a rule of the user's that reuses a
     * registered id for another chain would otherwise come back as something else).
     */
    private static void checkStorable(UpdateRule rule) {
        try {
            Rules.type(rule.id());
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("rule '" + rule.id() + "' cannot be stored in a checkpoint: it is not "
                    + "registered in Rules, nor gradient transforms of Transforms.prepend/accumulate in front of a "
                    + "registered rule (" + ex.getMessage() + "); register a RuleType under '" + rule.id() + "', or "
                    + "keep its state in memory with Optimizer.snapshot()", ex);
        }
        for (Map.Entry<String, Schedule> e : rule.hyperParameters().entrySet()) {
            try {
                Schedules.encodable(e.getValue());
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("rule '" + rule.id() + "' hyper-parameter " + e.getKey() + ": "
                        + ex.getMessage(), ex);
            }
        }
        UpdateRule rebuilt;
        try {
            rebuilt = Rules.create(rule.id(), rule.hyperParameters());
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("rule '" + rule.id() + "' cannot be stored in a checkpoint: the registry "
                    + "cannot rebuild it from its hyper-parameters (" + ex.getMessage() + ")", ex);
        }
        if (!UpdateRule.sameDefinition(rule, rebuilt)) {
            throw new IllegalArgumentException("rule '" + rule.id() + "' cannot be stored in a checkpoint: its chain "
                    + org.optim4j.spi.KernelKey.of(rule.transforms()) + " is not the registered '" + rule.id()
                    + "' rebuilt from its hyper-parameters (" + org.optim4j.spi.KernelKey.of(rebuilt.transforms())
                    + "); give it an id of its own and register that");
        }
    }

    /**
     * Reads and fully verifies a checkpoint file (magic, version, length, CRC32C, every field).
     *
     * @throws CheckpointException               if the file is truncated, corrupt, of an unknown format version,
     *                                           or not a checkpoint; the message names the file and the problem
     * @throws java.nio.file.NoSuchFileException if there is no such file
     * @throws IOException                       on an I/O error
     */
    public static Checkpoint read(Path file) throws IOException {
        return CheckpointFormat.read(Check.notNull("file", file));
    }

    /**
     * Writes this checkpoint to {@code file} atomically ({@link org.optim4j.io.AtomicFile}): after a crash at any
     * moment {@code file} holds either the previous checkpoint or this one, never a mix.
     *
     * <p>One writer per file at a time; readers may read concurrently.
     */
    public void write(Path file) throws IOException {
        CheckpointFormat.write(this, Check.notNull("file", file));
    }

    /**
     * Puts the state into {@code optimizer} ({@link Optimizer#load(OptimizerSnapshot)}) and, when
     * {@code parameters} is not null, the parameters into it. Every check runs before the first write.
     *
     * @throws IllegalArgumentException if the optimizer's layout, groups or rules differ, or the parameters are
     *                                  missing from the checkpoint, of another length, or not the optimizer's
     *                                  backend's; nothing is modified then
     */
    public void restore(Optimizer optimizer, Buffer parameters) {
        restore(optimizer, parameters, false);
    }

    /** As {@link #restore(Optimizer, Buffer)}; see {@link Optimizer#load(OptimizerSnapshot, boolean)} for the flag. */
    public void restore(Optimizer optimizer, Buffer parameters, boolean keepOptimizerHyperParameters) {
        Check.notNull("optimizer", optimizer);
        if (parameters != null) {
            if (parameters.length() != optimizer.parameterCount()) {
                throw new IllegalArgumentException("parameters has length " + parameters.length()
                        + " but this optimizer updates " + optimizer.parameterCount() + " parameters");
            }
            if (!optimizer.backend().owns(parameters)) {
                throw new IllegalArgumentException("parameters is a " + parameters.getClass().getSimpleName()
                        + ", not a buffer of backend '" + optimizer.backend().name() + "'");
            }
            for (Buffer s : optimizer.state().buffers()) {
                if (s == parameters) {
                    throw new IllegalArgumentException("parameters is the optimizer's state buffer; pass your own");
                }
            }
            if (this.parameters == null) {
                throw new IllegalArgumentException("checkpoint holds no parameters; restore(optimizer, null) restores "
                        + "the optimizer state alone");
            }
        }
        optimizer.load(snapshot, keepOptimizerHyperParameters);
        if (parameters != null) {
            this.parameters.copyTo(parameters);
        }
    }

    /** The optimizer state. */
    public OptimizerSnapshot snapshot() {
        return snapshot;
    }

    /** The rule of the only parameter group. @throws IllegalStateException if there are several */
    public UpdateRule rule() {
        return snapshot.rule();
    }

    /** The step counter: the number of steps taken, t of the next step. */
    public long step() {
        return snapshot.step();
    }

    public long skippedSteps() {
        return snapshot.skippedSteps();
    }

    public int parameterCount() {
        return snapshot.parameterCount();
    }

    /** The name of the backend the state was captured from (informational). */
    public String backendName() {
        return backendName;
    }

    /** The caller's metadata (empty for files of format version 1). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The state buffers' names. */
    public List<String> stateNames() {
        return new ArrayList<>(snapshot.state().keySet());
    }

    public BufferData stateBuffer(int index) {
        return snapshot.state(stateNames().get(index));
    }

    public BufferData stateBuffer(String name) {
        return snapshot.state(name);
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
        return o instanceof Checkpoint c && snapshot.equals(c.snapshot) && Objects.equals(parameters, c.parameters)
                && metadata.equals(c.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(snapshot, parameters, metadata);
    }

    @Override
    public String toString() {
        return "Checkpoint[" + snapshot + (parameters == null ? "" : ", parameters included") + ", from " + backendName
                + (metadata.isEmpty() ? "" : ", metadata " + metadata) + "]";
    }
}
