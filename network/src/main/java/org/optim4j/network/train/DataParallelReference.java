package org.optim4j.network.train;

import java.util.ArrayList;
import java.util.List;
import org.optim4j.Optimizer;
import org.optim4j.internal.Check;
import org.optim4j.network.Batch;
import org.optim4j.network.Mlp;
import org.optim4j.network.data.Dataset;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.FloatArrayBuffer;

/**
 * Synchronous data-parallel training simulated in one process: what W workers and a reducer compute, in the same
 * float operations and order ({@link ShardPlan} for the rows, {@link PartialGradients} for the sums), so that a
 * distributed run can be compared with it bit for bit. Step t computes the W partial gradients of
 * {@link ShardPlan#rows(long, int)} one after the other, combines them in worker order and takes one ordinary
 * {@link Optimizer#step(Buffer, Buffer)} (for a rule with a look-ahead this is the reparametrised form).
 *
 * <p>With W = 1 and a batch that divides the training rows, this is the {@link Trainer} (Nesterov in its
 * reparametrised form) step for step.
 */
public final class DataParallelReference {
    private final Mlp mlp;
    private final Optimizer optimizer;
    private final FloatArrayBuffer theta;
    private final FloatArrayBuffer gradient;
    private final Dataset train;
    private final ShardPlan plan;
    private final Batch batch;
    private final List<float[]> partials = new ArrayList<>();
    private long step;

    /**
     * @param theta     the parameters, a float heap buffer of {@code optimizer}'s backend, already initialised
     * @param firstStep the global step to start at (0 for a fresh run; a resumed run's step count)
     */
    public DataParallelReference(Mlp mlp, Optimizer optimizer, FloatArrayBuffer theta, Dataset train, ShardPlan plan,
                                 long firstStep) {
        this.mlp = Check.notNull("mlp", mlp);
        this.optimizer = Check.notNull("optimizer", optimizer);
        this.theta = Check.notNull("theta", theta);
        this.train = Check.notNull("train", train);
        this.plan = Check.notNull("plan", plan);
        if (plan.rows() != train.rows()) {
            throw new IllegalArgumentException("plan is for " + plan.rows() + " rows but the training set has "
                    + train.rows());
        }
        if (mlp.batchCapacity() < plan.perWorkerBatch()) {
            throw new IllegalArgumentException("mlp takes batches of up to " + mlp.batchCapacity()
                    + " rows but the plan's pieces have " + plan.perWorkerBatch());
        }
        if (firstStep < 0) {
            throw new IllegalArgumentException("firstStep must be >= 0, got " + firstStep);
        }
        Buffer g = optimizer.newBuffer();
        if (!(g instanceof FloatArrayBuffer fg)) {
            throw new IllegalArgumentException("optimizer's backend '" + optimizer.backend().name()
                    + "' does not keep float[] buffers; use a heap float32 backend");
        }
        this.gradient = fg;
        this.batch = Batch.allocate(plan.perWorkerBatch(), train.featureCount());
        for (int p = 0; p < plan.workers(); p++) {
            partials.add(new float[theta.length()]);
        }
        this.step = firstStep;
    }

    /** One global step; returns the mean loss of the global batch (before the step). */
    public double step() {
        double[] losses = new double[plan.workers()];
        for (int p = 0; p < plan.workers(); p++) {
            FloatArrayBuffer part = FloatArrayBuffer.wrap(partials.get(p));
            losses[p] = PartialGradients.partial(mlp, theta, train, plan.rows(step, p), batch, part);
        }
        PartialGradients.combineInto(partials, 0, 0, theta.length(), gradient.array());
        optimizer.step(theta, gradient);
        step++;
        return PartialGradients.combineLoss(losses);
    }

    /** The next global step's index (steps taken so far, counting {@code firstStep}). */
    public long nextStep() {
        return step;
    }

    public FloatArrayBuffer parameters() {
        return theta;
    }

    public Optimizer optimizer() {
        return optimizer;
    }
}
