package org.optim4j.spark;

import java.io.Serializable;
import org.optim4j.network.data.Dataset;

/**
 * Worker {@code index}'s rows of the training set: rows [{@code fromRow}, fromRow + labels.length) of the whole
 * set, as {@link org.optim4j.network.train.ShardPlan} cuts it. One element per partition of the data RDD.
 */
final class DataShard implements Serializable {
    private static final long serialVersionUID = 1L;

    final int index;
    final int fromRow;
    final float[] features;
    final int[] labels;
    final int featureCount;
    final int classCount;
    private transient Dataset dataset;

    DataShard(int index, int fromRow, float[] features, int[] labels, int featureCount, int classCount) {
        this.index = index;
        this.fromRow = fromRow;
        this.features = features;
        this.labels = labels;
        this.featureCount = featureCount;
        this.classCount = classCount;
    }

    /** Rows [from, to) of {@code data} as worker {@code index}'s shard. */
    static DataShard of(int index, Dataset data, int from, int to) {
        float[] f = new float[(to - from) * data.featureCount()];
        int[] y = new int[to - from];
        for (int r = from; r < to; r++) {
            for (int c = 0; c < data.featureCount(); c++) {
                f[(r - from) * data.featureCount() + c] = data.feature(r, c);
            }
            y[r - from] = data.label(r);
        }
        return new DataShard(index, from, f, y, data.featureCount(), data.classCount());
    }

    Dataset dataset() {
        if (dataset == null) {
            dataset = new Dataset(features, labels, featureCount, classCount);
        }
        return dataset;
    }

    /** The plan's global row indices as indices into this shard. */
    int[] local(int[] globalRows) {
        int[] r = new int[globalRows.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = globalRows[i] - fromRow;
            if (r[i] < 0 || r[i] >= labels.length) {
                throw new IllegalStateException("row " + globalRows[i] + " is not in shard " + index + " (rows "
                        + fromRow + ".." + (fromRow + labels.length - 1) + ")");
            }
        }
        return r;
    }
}
