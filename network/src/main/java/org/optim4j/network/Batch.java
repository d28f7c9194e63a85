package org.optim4j.network;

import java.util.Arrays;

/**
 * A mini-batch: {@link #rows()} examples, each {@link #featureCount()} features (row-major in
 * {@link #features()}) and an integer class label. Allocated once at its capacity and refilled every
 * step, so training allocates nothing per batch.
 */
public final class Batch {
    private final float[] features;
    private final int[] labels;
    private final int featureCount;
    private int rows;

    private Batch(float[] features, int[] labels, int featureCount, int rows) {
        this.features = features;
        this.labels = labels;
        this.featureCount = featureCount;
        this.rows = rows;
    }

    /** An empty batch that can hold up to {@code capacity} rows of {@code featureCount} features. */
    public static Batch allocate(int capacity, int featureCount) {
        if (capacity < 1 || featureCount < 1) {
            throw new IllegalArgumentException("a batch needs capacity >= 1 and featureCount >= 1, got capacity "
                    + capacity + ", featureCount " + featureCount);
        }
        return new Batch(new float[capacity * featureCount], new int[capacity], featureCount, 0);
    }

    /** A batch holding copies of {@code x} (one row per example, all of one length) and {@code labels}. */
    public static Batch of(float[][] x, int[] labels) {
        if (x == null || labels == null || x.length == 0 || x.length != labels.length) {
            throw new IllegalArgumentException("need as many labels as rows, at least one: got "
                    + (x == null ? "null" : x.length + " rows") + " and "
                    + (labels == null ? "null" : labels.length + " labels"));
        }
        int cols = x[0].length;
        Batch b = allocate(x.length, cols);
        for (int r = 0; r < x.length; r++) {
            if (x[r].length != cols) {
                throw new IllegalArgumentException("row " + r + " has " + x[r].length + " features, row 0 has " + cols);
            }
            System.arraycopy(x[r], 0, b.features, r * cols, cols);
        }
        System.arraycopy(labels, 0, b.labels, 0, labels.length);
        b.rows = x.length;
        return b;
    }

    /** The feature storage, row-major, {@code capacity × featureCount}; rows past {@link #rows()} are stale. */
    public float[] features() {
        return features;
    }

    /** The labels; entries past {@link #rows()} are stale. */
    public int[] labels() {
        return labels;
    }

    public int featureCount() {
        return featureCount;
    }

    public int rows() {
        return rows;
    }

    public int capacity() {
        return labels.length;
    }

    /** Sets how many rows are in use (after filling them). */
    public void setRows(int rows) {
        if (rows < 0 || rows > capacity()) {
            throw new IllegalArgumentException("rows must be in [0, " + capacity() + "], got " + rows);
        }
        this.rows = rows;
    }

    /** Shape as {@code [rows × features]}, as error messages print it. */
    public String shape() {
        return "[" + rows + " × " + featureCount + "]";
    }

    @Override
    public String toString() {
        return "Batch" + shape() + " labels " + Arrays.toString(Arrays.copyOf(labels, Math.min(rows, 8)))
                + (rows > 8 ? "…" : "");
    }
}
