package org.optim4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.optim4j.Optimizer;
import org.optim4j.network.train.PartialGradients;
import org.optim4j.network.train.ShardPlan;
import org.optim4j.spi.FloatArrayBuffer;

/** What the executors run: the code inside Spark tasks, as static methods of serialisable inputs. */
final class WorkerSteps {
    private WorkerSteps() {
    }

    // The values tasks return are plain classes, not records: the Kryo that Spark ships cannot serialise records
    // ("can't get field offset on a record class"), and users may set spark.serializer to Kryo.

    /** Worker p's mean loss and gradient over its piece of step t: the whole gradient, or one shard's slice of it. */
    static final class Partial implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int worker;
        private final double loss;
        private final float[] gradient;

        Partial(int worker, double loss, float[] gradient) {
            this.worker = worker;
            this.loss = loss;
            this.gradient = gradient;
        }

        int worker() {
            return worker;
        }

        double loss() {
            return loss;
        }

        float[] gradient() {
            return gradient;
        }
    }

    /** A worker's parameters and state after its local steps (parameter averaging). */
    static final class LocalResult implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int worker;
        private final float[] theta;
        private final ShardState state;
        private final double loss;

        LocalResult(int worker, float[] theta, ShardState state, double loss) {
            this.worker = worker;
            this.theta = theta;
            this.state = state;
            this.loss = loss;
        }

        int worker() {
            return worker;
        }

        float[] theta() {
            return theta;
        }

        ShardState state() {
            return state;
        }

        double loss() {
            return loss;
        }
    }

    static Partial partial(DataShard shard, float[] theta, NetSpec net, ShardPlan plan, long step,
                           FaultInjection faults) {
        return TaskFailure.portable(() -> {
            FaultInjection.check(faults, step, FaultInjection.Stage.GRADIENT, shard.index);
            WorkerCache.Net n = WorkerCache.net(net, plan.perWorkerBatch());
            float[] g = new float[theta.length];
            int[] rows = shard.local(plan.rows(step, shard.index));
            double loss = PartialGradients.partial(n.mlp(), FloatArrayBuffer.wrap(theta), shard.dataset(), rows, n.batch(),
                    FloatArrayBuffer.wrap(g));
            return new Partial(shard.index, loss, g);
        });
    }

    /**
     * One ordinary optim4j step over one slice: the slices of the W partial gradients summed in worker order,
     * then the slice's optimizer steps the slice's parameters (taken from the broadcast θ of step t).
     */
    static ShardState sliceStep(ShardState state, Iterable<Partial> slices, float[] theta, RuleSpec rule,
                                String backend, long step, int workers, FaultInjection faults) {
        return TaskFailure.portable(() -> {
            FaultInjection.check(faults, step, FaultInjection.Stage.SHARD_STEP, state.shard);
            if (state.step + state.skipped != step) {
                throw new IllegalStateException("shard " + state.shard + " holds the state after " + (state.step + state.skipped)
                        + " steps but step " + step + " was asked");
            }
            List<Partial> sorted = new ArrayList<>();
            slices.forEach(sorted::add);
            sorted.sort(Comparator.comparingInt(Partial::worker));
            if (sorted.size() != workers) {
                throw new IllegalStateException("shard " + state.shard + " got " + sorted.size() + " gradient slices at step "
                        + step + ", expected one from each of " + workers + " workers");
            }
            List<float[]> parts = new ArrayList<>();
            double[] losses = new double[workers];
            for (int p = 0; p < workers; p++) {
                if (sorted.get(p).worker() != p) {
                    throw new IllegalStateException("shard " + state.shard + " got no gradient slice from worker " + p);
                }
                parts.add(sorted.get(p).gradient());
                losses[p] = sorted.get(p).loss();
            }
            float[] g = new float[state.length()];
            PartialGradients.combineInto(parts, 0, 0, state.length(), g);
            float[] slice = java.util.Arrays.copyOfRange(theta, state.from, state.to);
            try (Optimizer o = state.toOptimizer(rule, backend)) {
                o.step(FloatArrayBuffer.wrap(slice), FloatArrayBuffer.wrap(g));
                return ShardState.of(o, state.shard, state.from, state.to, slice, PartialGradients.combineLoss(losses));
            }
        });
    }

    /** Worker p's {@code localSteps} ordinary steps from θ and {@code start}, on its own pieces of steps t, t+1, …. */
    static LocalResult localSteps(DataShard shard, float[] theta, ShardState start, NetSpec net, ShardPlan plan,
                                  RuleSpec rule, String backend, long step, int localSteps, FaultInjection faults) {
        return TaskFailure.portable(() -> {
            float[] th = theta.clone();
            float[] g = new float[th.length];
            WorkerCache.Net n = WorkerCache.net(net, plan.perWorkerBatch());
            double loss = 0;
            try (Optimizer o = start.toOptimizer(rule, backend)) {
                for (int j = 0; j < localSteps; j++) {
                    FaultInjection.check(faults, step + j, FaultInjection.Stage.GRADIENT, shard.index);
                    int[] rows = shard.local(plan.rows(step + j, shard.index));
                    loss = PartialGradients.partial(n.mlp(), FloatArrayBuffer.wrap(th), shard.dataset(), rows, n.batch(),
                            FloatArrayBuffer.wrap(g));
                    o.step(FloatArrayBuffer.wrap(th), FloatArrayBuffer.wrap(g));
                }
                return new LocalResult(shard.index, th, ShardState.of(o, 0, 0, th.length, null, loss), loss);
            }
        });
    }
}
