package org.optim4j.network.train;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.ArrayList;
import java.util.List;
import org.optim4j.Optimizer;
import org.optim4j.network.Batch;
import org.optim4j.network.Mlp;
import org.optim4j.network.data.Dataset;
import org.optim4j.internal.Check;
import org.optim4j.spi.Buffer;

/**
 * Mini-batch training of an {@link Mlp} with one {@link Optimizer} over the whole flat parameter vector.
 *
 * <p>Everything the next epoch depends on is the parameters, the optimizer's state and the epoch index:
 * the shuffle of epoch e is drawn from (seed, e) alone, so a run stopped after epoch e and restored
 * from (θ, optimizer state, e) continues exactly. Each epoch visits every training row once in
 * batches of {@code batchSize} (the last one smaller when the size does not divide).
 *
 * <p>Allocates its batches and gradient once; an epoch allocates nothing but the shuffle's RNG.
 */
public final class Trainer {

    /** Which Nesterov form to run: any rule with a look-ahead (Nesterov); other rules ignore it. */
    public enum NesterovForm {
        /** The spec's form: the optimizer evaluates the mini-batch gradient at θ + ρ·s itself. */
        SPEC,
        /** The reparametrised form (DL4J, PyTorch): the parameters hold θ̃ = θ + ρ·s, gradient at θ̃. */
        REPARAMETRISED
    }

    /**
     * One epoch's numbers. {@code seconds} (wall clock) and {@code cpuSeconds} (CPU time of the whole
     * process, every thread) time the training steps only, not the evaluation. On a shared machine the
     * wall-clock speed falls with the other load; the CPU-time speed much less.
     */
    public record EpochResult(int epoch, double trainLoss, double testAccuracy, int samples, double seconds,
                              double cpuSeconds) {
        public double samplesPerSecond() {
            return samples / seconds;
        }

        /** Samples per second of process CPU time (NaN if the JVM does not report CPU time). */
        public double samplesPerCpuSecond() {
            return samples / cpuSeconds;
        }
    }

    private static final OperatingSystemMXBean OS = ManagementFactory.getOperatingSystemMXBean();

    /** Process CPU time in seconds, or NaN where the JVM cannot tell. */
    private static double processCpuSeconds() {
        if (OS instanceof com.sun.management.OperatingSystemMXBean sun) {
            long ns = sun.getProcessCpuTime();
            return ns < 0 ? Double.NaN : ns * 1e-9;
        }
        return Double.NaN;
    }

    /** Called as training advances (the CLI draws its progress bar from it). */
    public interface Listener {
        default void batchDone(int epoch, int batchIndex, int batchCount) {
        }

        default void epochDone(EpochResult result) {
        }
    }

    private final Mlp mlp;
    private final Optimizer optimizer;
    private final Buffer theta;
    private final Buffer gradient;
    private final Dataset train;
    private final Dataset test;
    private final int batchSize;
    private final long seed;
    private final NesterovForm nesterovForm;
    /** True when a group's rule takes the gradient at a look-ahead point (Nesterov). */
    private final boolean lookahead;
    private final Batch batch;
    private final Mlp.Objective objective;
    private final int[] order;
    private final Batch evalBatch;
    private final float[] logits;
    private final int[] evalRows;
    /** Where the test accuracy is taken when it is not θ (schedule-free rules: the average x), else null. */
    private final Buffer evaluationPoint;

    /**
     * @param theta the parameters, a buffer of {@code optimizer}'s backend, already initialised
     */
    public Trainer(Mlp mlp, Optimizer optimizer, Buffer theta, Dataset train, Dataset test, int batchSize,
                   long seed, NesterovForm nesterovForm) {
        this.mlp = Check.notNull("mlp", mlp);
        this.optimizer = Check.notNull("optimizer", optimizer);
        this.theta = Check.notNull("theta", theta);
        this.train = Check.notNull("train", train);
        this.test = Check.notNull("test", test);
        this.nesterovForm = Check.notNull("nesterovForm", nesterovForm);
        this.lookahead = optimizer.groups().stream().flatMap(g -> g.rule().transforms().stream())
                .anyMatch(t -> t.lookahead().isPresent());
        if (batchSize < 1 || batchSize > mlp.batchCapacity()) {
            throw new IllegalArgumentException("batchSize must be in [1, " + mlp.batchCapacity() + "], got " + batchSize);
        }
        if (optimizer.parameterCount() != mlp.architecture().parameterCount()) {
            throw new IllegalArgumentException("optimizer updates " + optimizer.parameterCount()
                    + " parameters but network " + mlp.architecture() + " has " + mlp.architecture().parameterCount());
        }
        int inputs = mlp.architecture().inputSize();
        for (Dataset d : List.of(train, test)) {
            if (d.featureCount() != inputs || d.classCount() > mlp.architecture().classCount()) {
                throw new IllegalArgumentException("data set with " + d.featureCount() + " features and "
                        + d.classCount() + " classes does not fit network " + mlp.architecture());
            }
        }
        if (train.rows() == 0) {
            throw new IllegalArgumentException("the training set is empty");
        }
        this.batchSize = batchSize;
        this.seed = seed;
        this.gradient = optimizer.newBuffer();
        this.batch = Batch.allocate(batchSize, inputs);
        this.objective = mlp.objective(batch);
        this.order = new int[train.rows()];
        this.evalBatch = Batch.allocate(batchSize, inputs);
        this.logits = new float[batchSize * mlp.architecture().classCount()];
        this.evalRows = new int[batchSize];
        this.evaluationPoint = optimizer.groups().stream().flatMap(g -> g.rule().transforms().stream())
                .anyMatch(t -> t instanceof org.optim4j.transform.EvaluationPoint) ? optimizer.newBuffer() : null;
    }

    /** Trains {@code epochs} epochs starting at epoch index {@code firstEpoch} (0 for a fresh run). */
    public List<EpochResult> run(int firstEpoch, int epochs, Listener listener) {
        List<EpochResult> results = new ArrayList<>();
        for (int e = firstEpoch; e < firstEpoch + epochs; e++) {
            results.add(epoch(e, listener));
        }
        return results;
    }

    /** One pass over the training set (shuffled by (seed, epoch)), then the test accuracy. */
    public EpochResult epoch(int epoch, Listener listener) {
        Dataset.shuffle(order, seed * 1_000_003L + epoch);
        int batches = (train.rows() + batchSize - 1) / batchSize;
        boolean specNesterov = lookahead && nesterovForm == NesterovForm.SPEC;
        double lossSum = 0;
        double cpuStart = processCpuSeconds();
        long start = System.nanoTime();
        for (int i = 0; i < batches; i++) {
            int from = i * batchSize;
            int rows = Math.min(batchSize, train.rows() - from);
            train.fill(batch, order, from, rows);
            if (specNesterov) {
                optimizer.step(theta, objective);
            } else {
                objective.gradient(theta, gradient);
                optimizer.step(theta, gradient);
            }
            lossSum += objective.lastLoss() * rows;
            if (listener != null) {
                listener.batchDone(epoch, i, batches);
            }
        }
        double seconds = (System.nanoTime() - start) * 1e-9;
        double cpuSeconds = processCpuSeconds() - cpuStart;
        EpochResult result = new EpochResult(epoch, lossSum / train.rows(), accuracy(test), train.rows(), seconds,
                cpuSeconds);
        if (listener != null) {
            listener.epochDone(result);
        }
        return result;
    }

    /**
     * The fraction of {@code data}'s rows whose largest logit is at their label, at the current parameters, or for a
     * schedule-free rule at its evaluation point x ({@link Optimizer#evaluationPoint}; the parameters hold y).
     */
    public double accuracy(Dataset data) {
        Buffer at = theta;
        if (evaluationPoint != null) {
            optimizer.evaluationPoint(theta, evaluationPoint);
            at = evaluationPoint;
        }
        int classes = mlp.architecture().classCount();
        int[] identity = evalRows;
        int correct = 0;
        for (int from = 0; from < data.rows(); from += batchSize) {
            int rows = Math.min(batchSize, data.rows() - from);
            for (int i = 0; i < rows; i++) {
                identity[i] = from + i;
            }
            data.fill(evalBatch, identity, 0, rows);
            mlp.logits(at, evalBatch, logits);
            for (int r = 0; r < rows; r++) {
                int best = 0;
                for (int j = 1; j < classes; j++) {
                    if (logits[r * classes + j] > logits[r * classes + best]) {
                        best = j;
                    }
                }
                if (best == data.label(r + from)) {
                    correct++;
                }
            }
        }
        return data.rows() == 0 ? Double.NaN : (double) correct / data.rows();
    }

    /** Rows of the training set (one epoch visits each once). */
    public int trainingRows() {
        return train.rows();
    }

    public Buffer parameters() {
        return theta;
    }

    public Optimizer optimizer() {
        return optimizer;
    }
}
