package org.optim4j.network.data;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;

/**
 * Reads a labelled data set from CSV: one example per line, its features (numbers) then its class
 * label (an integer ≥ 0, also written as a decimal with a zero fraction such as {@code 1.0}, as pandas
 * writes an integer column that held a NaN), comma-separated, no header; blank lines are skipped.
 * Gzip-compressed input is recognised by its magic bytes, whatever the file is called. Every row must
 * have as many columns as the first.
 *
 * <p>The number of classes is given, or else the largest label + 1; then every class from 0 to it
 * must have a row ({@link EmptyClassesException} otherwise), so that labels {0, 1, 2, 99} do not
 * silently make a 100-class network.
 *
 * <p>Malformed input is refused with a {@link MalformedDataException} that lists the first problems,
 * each with its row (line) number and what is wrong.
 */
public final class CsvDatasetReader {
    /** How many problems an exception lists before it stops reading. */
    static final int MAX_PROBLEMS = 10;

    private CsvDatasetReader() {
    }

    /** Reads {@code file}; the classes are 0 … the largest label, each with at least one row. */
    public static Dataset read(Path file) throws IOException {
        return read(file, 0);
    }

    /**
     * Reads {@code file} as a data set of {@code classCount} classes (labels 0 … classCount − 1, classes
     * without rows allowed), or with {@code classCount} 0 as {@link #read(Path)} does.
     */
    public static Dataset read(Path file, int classCount) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), classCount);
        }
    }

    /** Reads from {@code in} (plain or gzip); {@code source} names it in error messages. */
    public static Dataset read(InputStream in, String source) throws IOException {
        return read(in, source, 0);
    }

    /**
     * Reads from {@code in} (plain or gzip) as a data set of {@code classCount} classes, or with
     * {@code classCount} 0 of the largest label + 1 classes, each with a row.
     *
     * @throws MalformedDataException if a row is malformed or has a label ≥ {@code classCount}
     * @throws EmptyClassesException  if {@code classCount} is 0 and the labels leave a class without a row
     */
    public static Dataset read(InputStream in, String source, int classCount) throws IOException {
        if (classCount < 0) {
            throw new IllegalArgumentException("classCount must be >= 0 (0: from the labels), got " + classCount);
        }
        BufferedInputStream buffered = new BufferedInputStream(in);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        InputStream data = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(buffered) : buffered;
        BufferedReader reader = new BufferedReader(new InputStreamReader(data, StandardCharsets.UTF_8));

        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int columns = -1;
        int lineNumber = 0;
        String line;
        while ((line = reader.readLine()) != null && problems.size() < MAX_PROBLEMS) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",", -1);
            if (columns < 0) {
                columns = cells.length;
                if (columns < 2) {
                    problems.add("row " + lineNumber + ": has " + columns
                            + " column; need at least one feature and a label");
                    break;
                }
            }
            if (cells.length != columns) {
                problems.add("row " + lineNumber + ": has " + cells.length + " columns, expected " + columns
                        + " (" + (columns - 1) + " features and a label, as in the first row)");
                continue;
            }
            float[] x = new float[columns - 1];
            boolean ok = true;
            for (int c = 0; c < columns - 1 && ok; c++) {
                String cell = cells[c].trim();
                try {
                    x[c] = Float.parseFloat(cell);
                    if (!Float.isFinite(x[c])) {
                        problems.add("row " + lineNumber + ", column " + (c + 1) + ": feature '" + cell + "' is not finite");
                        ok = false;
                    }
                } catch (NumberFormatException e) {
                    problems.add("row " + lineNumber + ", column " + (c + 1) + ": feature '" + cell + "' is not a number");
                    ok = false;
                }
            }
            if (!ok) {
                continue;
            }
            String cell = cells[columns - 1].trim();
            int label = label(cell);
            if (label < 0) {
                problems.add("row " + lineNumber + ", column " + columns + ": label '" + cell
                        + "' is not an integer >= 0");
                continue;
            }
            if (classCount > 0 && label >= classCount) {
                problems.add("row " + lineNumber + ", column " + columns + ": label '" + cell + "' is not below "
                        + "the number of classes: labels of " + classCount + " classes are 0.." + (classCount - 1));
                continue;
            }
            rows.add(x);
            labels.add(label);
        }
        if (problems.isEmpty() && rows.isEmpty()) {
            problems.add("no data rows");
        }
        if (!problems.isEmpty()) {
            throw new MalformedDataException(source, problems);
        }
        int featureCount = columns - 1;
        float[] features = new float[rows.size() * featureCount];
        int[] y = new int[rows.size()];
        int maxLabel = 0;
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, features, r * featureCount, featureCount);
            y[r] = labels.get(r);
            maxLabel = Math.max(maxLabel, y[r]);
        }
        Dataset dataset = new Dataset(features, y, featureCount, classCount > 0 ? classCount : maxLabel + 1);
        if (classCount == 0) {
            int[] counts = dataset.rowsPerClass();
            int[] present = IntStream.range(0, counts.length).filter(c -> counts[c] > 0).toArray();
            if (present.length < dataset.classCount()) {
                throw new EmptyClassesException(source, present, dataset.classCount());
            }
        }
        return dataset;
    }

    /** The label written in {@code cell} ({@code 3}, or {@code 3.0}: an integral value), or −1. */
    private static int label(String cell) {
        try {
            return Math.max(-1, Integer.parseInt(cell));
        } catch (NumberFormatException e) {
            // a decimal such as 1.0 or 1e0
        }
        try {
            double v = Double.parseDouble(cell);
            return v >= 0 && v <= Integer.MAX_VALUE && v == Math.rint(v) ? (int) v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
