package org.optim4j.interop.dl4j;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.optim4j.network.data.Dataset;
import org.optim4j.network.data.Digits;

/** The UCI digits shipped by optim4j's network module, as DL4J DataSets (features scaled to [0, 1]). */
final class DigitsData {
    final DataSet train;
    final DataSet test;

    private DigitsData(DataSet train, DataSet test) {
        this.train = train;
        this.test = test;
    }

    static DigitsData load(long seed) {
        Dataset.Split split = Digits.load().split(0.8, seed);
        return new DigitsData(toDataSet(split.train()), toDataSet(split.test()));
    }

    static DataSet toDataSet(Dataset d) {
        int rows = d.rows(), f = d.featureCount(), k = d.classCount();
        float[][] x = new float[rows][f];
        float[][] y = new float[rows][k];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < f; c++) {
                x[r][c] = d.feature(r, c) / Digits.MAX_PIXEL;
            }
            y[r][d.label(r)] = 1;
        }
        return new DataSet(Nd4j.create(x), Nd4j.create(y));
    }

    /** Consecutive minibatches of {@code size} rows (the last may be smaller), in order. */
    static List<DataSet> batches(DataSet all, int size) {
        List<DataSet> out = new ArrayList<>();
        int n = all.numExamples();
        for (int from = 0; from < n; from += size) {
            int to = Math.min(n, from + size);
            INDArray x = all.getFeatures().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).dup();
            INDArray y = all.getLabels().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).dup();
            out.add(new DataSet(x, y));
        }
        return out;
    }
}
