package org.optim4j.spark;

import org.apache.spark.Partitioner;

/** Key k (a shard index 0 … K−1) goes to partition k: the gradient slices and the state of a shard meet there. */
final class ShardPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int shards;

    ShardPartitioner(int shards) {
        this.shards = shards;
    }

    @Override
    public int numPartitions() {
        return shards;
    }

    @Override
    public int getPartition(Object key) {
        int k = (Integer) key;
        if (k < 0 || k >= shards) {
            throw new IllegalArgumentException("shard key must be in [0, " + shards + "), got " + k);
        }
        return k;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShardPartitioner p && p.shards == shards;
    }

    @Override
    public int hashCode() {
        return shards;
    }
}
