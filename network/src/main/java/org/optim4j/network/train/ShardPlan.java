package org.optim4j.network.train;

import java.io.Serializable;
import org.optim4j.network.data.Dataset;

/**
 * Which training rows each of W data-parallel workers uses at each global step: the batch composition that a
 * data-parallel run and its single-process reference ({@link DataParallelReference}) share.
 *
 * <p>The rows 0 … N−1 are cut into W contiguous shards (shard p holds rows [⌊N·p/W⌋, ⌊N·(p+1)/W⌋)), as a
 * partitioned data set is. In epoch e, shard p is shuffled by (seed, e, p) alone and cut into pieces of
 * {@code perWorkerBatch} rows; global step t = e·S + i uses piece i of every shard, so a global batch has
 * W·{@code perWorkerBatch} rows. An epoch has S = ⌊(smallest shard) / perWorkerBatch⌋ steps: the rows left over
 * in a shard are skipped that epoch (PyTorch's DistributedSampler with drop_last), so every piece has the same
 * size and the W partial gradients weigh the same.
 *
 * <p>With W = 1 and a batch that divides N, the rows of step t are exactly those the {@link Trainer} uses
 * (shard 0's shuffle seed is the Trainer's). Immutable and serialisable: Spark ships it to the executors.
 */
public final class ShardPlan implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int rows;
    private final int workers;
    private final int perWorkerBatch;
    private final long seed;
    private final int stepsPerEpoch;

    /**
     * @throws IllegalArgumentException naming the parameter and its value, when a value is out of range or a
     *                                  shard is smaller than one piece
     */
    public ShardPlan(int rows, int workers, int perWorkerBatch, long seed) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1, got " + workers);
        }
        if (perWorkerBatch < 1) {
            throw new IllegalArgumentException("perWorkerBatch must be >= 1, got " + perWorkerBatch);
        }
        if (rows < (long) workers * perWorkerBatch) {
            throw new IllegalArgumentException("rows must be >= workers × perWorkerBatch = " + workers + " × "
                    + perWorkerBatch + ", got " + rows);
        }
        this.rows = rows;
        this.workers = workers;
        this.perWorkerBatch = perWorkerBatch;
        this.seed = seed;
        int smallest = Integer.MAX_VALUE;
        for (int p = 0; p < workers; p++) {
            smallest = Math.min(smallest, shardTo(p) - shardFrom(p));
        }
        this.stepsPerEpoch = smallest / perWorkerBatch;
    }

    /** The first row of shard {@code p}. */
    public int shardFrom(int p) {
        return (int) ((long) rows * p / workers);
    }

    /** One past the last row of shard {@code p}. */
    public int shardTo(int p) {
        return (int) ((long) rows * (p + 1) / workers);
    }

    /**
     * The global row indices of worker {@code p}'s piece at global step {@code step}, in batch order. Allocates
     * the shard's permutation (its size), which is cheap next to a gradient.
     */
    public int[] rows(long step, int p) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        if (p < 0 || p >= workers) {
            throw new IllegalArgumentException("worker must be in [0, " + workers + "), got " + p);
        }
        long epoch = step / stepsPerEpoch;
        int i = (int) (step % stepsPerEpoch);
        int from = shardFrom(p);
        // Shard 0's seed is the Trainer's epoch seed; the others are apart by a large odd constant.
        int[] order = Dataset.permutation(shardTo(p) - from, seed * 1_000_003L + epoch + p * 0x9E3779B97F4A7C15L);
        int[] piece = new int[perWorkerBatch];
        for (int r = 0; r < perWorkerBatch; r++) {
            piece[r] = from + order[i * perWorkerBatch + r];
        }
        return piece;
    }

    public int rows() {
        return rows;
    }

    public int workers() {
        return workers;
    }

    public int perWorkerBatch() {
        return perWorkerBatch;
    }

    public long seed() {
        return seed;
    }

    /** Global steps in one epoch. */
    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    @Override
    public String toString() {
        return "ShardPlan[" + rows + " rows, " + workers + " workers × " + perWorkerBatch + " rows, seed " + seed
                + ", " + stepsPerEpoch + " steps/epoch]";
    }
}
