package org.optim4j.spark;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optim4j.Optimizer;
import org.optim4j.backend.Backends;
import org.optim4j.state.BufferData;
import org.optim4j.state.OptimizerSnapshot;

/**
 * The optimizer state of one slice [from, to) of the flat parameter vector, as an immutable value: the step and
 * skip counters and each state buffer over the slice, plus the slice's parameters after the last step (what the
 * driver gathers). A step makes a new value from the old one and never writes into the old one's arrays, so a
 * Spark task that is run again (a retry, a recomputed partition) reads the same input and computes the same bits.
 */
final class ShardState implements Serializable {
    private static final long serialVersionUID = 1L;

    final int shard;
    final int from;
    final int to;
    final long step;
    final long skipped;
    final String[] names;
    final float[][] buffers;
    /** The slice's parameters after the last step; null before the first. */
    final float[] theta;
    /** The global batch's mean loss of the last step (every slice has it); NaN before the first. */
    final double loss;

    ShardState(int shard, int from, int to, long step, long skipped, String[] names, float[][] buffers, float[] theta,
               double loss) {
        this.shard = shard;
        this.from = from;
        this.to = to;
        this.step = step;
        this.skipped = skipped;
        this.names = names;
        this.buffers = buffers;
        this.theta = theta;
        this.loss = loss;
    }

    int length() {
        return to - from;
    }

    /** The state a fresh optimizer of {@code rule} over the slice starts with. */
    static ShardState initial(int shard, int from, int to, RuleSpec rule, String backend) {
        try (Optimizer o = optimizer(rule, backend, to - from)) {
            return of(o, shard, from, to, null, Double.NaN);
        }
    }

    /** The optimizer's current state as a value (copied). */
    static ShardState of(Optimizer o, int shard, int from, int to, float[] theta, double loss) {
        List<String> n = o.state().names();
        float[][] b = new float[n.size()][];
        for (int i = 0; i < b.length; i++) {
            b[i] = BufferData.of(o.state().buffers().get(i)).toFloatArray();
        }
        return new ShardState(shard, from, to, o.state().step(), o.state().skippedSteps(), n.toArray(new String[0]),
                b, theta, loss);
    }

    /** An ordinary optimizer over the slice's length, holding this state. */
    Optimizer toOptimizer(RuleSpec rule, String backend) {
        Optimizer o = optimizer(rule, backend, length());
        Map<String, BufferData> data = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            data.put(names[i], BufferData.wrapFloats(buffers[i]));
        }
        o.load(new OptimizerSnapshot(step, skipped, length(), o.tensors(), o.groups(), data));
        return o;
    }

    /** The slice's θ and loss without the state buffers: what the driver gathers. */
    ShardState thetaOnly() {
        return new ShardState(shard, from, to, step, skipped, new String[0], new float[0][], theta, loss);
    }

    static Optimizer optimizer(RuleSpec rule, String backend, int length) {
        return Optimizer.builder(rule.rule()).backend(Backends.byName(backend)).parameterCount(length).build();
    }
}
