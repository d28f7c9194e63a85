package org.optim4j.network.data;

import java.util.Arrays;
import java.util.Random;
import org.optim4j.network.Batch;

/**
 * Labelled examples held in memory: {@link #rows()} rows of {@link #featureCount()} float features
 * (row-major) and an integer class label 0 … {@link #classCount()}−1 each. Immutable.
 */
public final class Dataset {
    private final float[] features;
    private final int[] labels;
    private final int featureCount;
    private final int classCount;

    /**
     * @param features   row-major, {@code labels.length × featureCount} values (not copied)
     * @param labels     one label per row, each in [0, classCount) (not copied)
     * @param classCount number of classes (≥ 1 + the largest label)
     */
    public Dataset(float[] features, int[] labels, int featureCount, int classCount) {
        if (featureCount < 1 || features.length != (long) labels.length * featureCount) {
            throw new IllegalArgumentException("features have length " + features.length + " but "
                    + labels.length + " rows × " + featureCount + " features need " + (long) labels.length * featureCount);
        }
        for (int r = 0; r < labels.length; r++) {
            if (labels[r] < 0 || labels[r] >= classCount) {
                throw new IllegalArgumentException("label " + labels[r] + " of row " + r + " is outside 0.." + (classCount - 1));
            }
        }
        this.features = features;
        this.labels = labels;
        this.featureCount = featureCount;
        this.classCount = classCount;
    }

    public int rows() {
        return labels.length;
    }

    public int featureCount() {
        return featureCount;
    }

    public int classCount() {
        return classCount;
    }

    /** The number of rows of each class 0 … {@link #classCount()}−1 (a new array). */
    public int[] rowsPerClass() {
        int[] counts = new int[classCount];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /** The same rows as a data set of {@code classCount} classes (≥ 1 + the largest label). */
    public Dataset withClassCount(int classCount) {
        return new Dataset(features, labels, featureCount, classCount);
    }

    /** Feature {@code column} of row {@code row}. */
    public float feature(int row, int column) {
        return features[row * featureCount + column];
    }

    public int label(int row) {
        return labels[row];
    }

    /** The largest feature value (0 for an empty set). */
    public float maxFeature() {
        float max = 0;
        for (float f : features) {
            max = Math.max(max, f);
        }
        return max;
    }

    /** A copy with every feature divided by {@code divisor} (&gt; 0, finite). */
    public Dataset scaledBy(float divisor) {
        if (!(divisor > 0) || !Float.isFinite(divisor)) {
            throw new IllegalArgumentException("divisor must be > 0 and finite, got " + divisor);
        }
        float[] f = features.clone();
        for (int i = 0; i < f.length; i++) {
            f[i] /= divisor;
        }
        return new Dataset(f, labels, featureCount, classCount);
    }

    /** The rows {@code order[0]}, {@code order[1]}, … as a new data set. */
    public Dataset select(int[] order) {
        float[] f = new float[order.length * featureCount];
        int[] y = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            System.arraycopy(features, order[i] * featureCount, f, i * featureCount, featureCount);
            y[i] = labels[order[i]];
        }
        return new Dataset(f, y, featureCount, classCount);
    }

    /** Copies rows {@code order[from]} … {@code order[from + count − 1]} into {@code batch}. */
    public void fill(Batch batch, int[] order, int from, int count) {
        if (batch.featureCount() != featureCount || count > batch.capacity()) {
            throw new IllegalArgumentException("batch of capacity [" + batch.capacity() + " × " + batch.featureCount()
                    + "] cannot take [" + count + " × " + featureCount + "] rows of this data set");
        }
        float[] x = batch.features();
        int[] y = batch.labels();
        for (int i = 0; i < count; i++) {
            int r = order[from + i];
            System.arraycopy(features, r * featureCount, x, i * featureCount, featureCount);
            y[i] = labels[r];
        }
        batch.setRows(count);
    }

    /** A seeded random permutation of 0 … n−1 (Fisher–Yates with {@link Random}, so reproducible everywhere). */
    public static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        shuffle(p, seed);
        return p;
    }

    /** Overwrites {@code order} with a seeded permutation of 0 … order.length−1, allocating nothing but the RNG. */
    public static void shuffle(int[] order, long seed) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** A train and a test part. */
    public record Split(Dataset train, Dataset test) {
    }

    /**
     * Shuffles the rows with {@code seed} and puts the first {@code round(trainFraction·rows)} in the
     * training part, the rest in the test part; each part keeps at least one row.
     */
    public Split split(double trainFraction, long seed) {
        if (!(trainFraction > 0 && trainFraction < 1)) {
            throw new IllegalArgumentException("trainFraction must be in (0, 1), got " + trainFraction);
        }
        if (rows() < 2) {
            throw new IllegalArgumentException("cannot split " + rows() + " row(s) into a training and a test part: "
                    + "need at least 2");
        }
        int[] order = permutation(rows(), seed);
        int nTrain = (int) Math.min(rows() - 1, Math.max(1, Math.round(trainFraction * rows())));
        return new Split(select(Arrays.copyOfRange(order, 0, nTrain)),
                select(Arrays.copyOfRange(order, nTrain, rows())));
    }

    @Override
    public String toString() {
        return "Dataset[" + rows() + " rows × " + featureCount + " features, " + classCount + " classes]";
    }
}
