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
import java.util.zip.GZIPInputStream;

/**
 * Reads a labelled data set from CSV: one example per line, its features (numbers) then its class
 * label (an integer ≥ 0), comma-separated, no header; blank lines are skipped. Gzip-compressed input
 * is recognised by its magic bytes, whatever the file is called. Every row must have as many columns
 * as the first. The number of classes is the largest label + 1.
 *
 * <p>Malformed input is refused with a {@link MalformedDataException} that lists the first problems,
 * each with its row (line) number and what is wrong.
 */
public final class CsvDatasetReader {
    /** How many problems an exception lists before it stops reading. */
    static final int MAX_PROBLEMS = 10;

    private CsvDatasetReader() {
    }

    public static Dataset read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /** Reads from {@code in} (plain or gzip); {@code source} names it in error messages. */
    public static Dataset read(InputStream in, String source) throws IOException {
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
            int label;
            try {
                label = Integer.parseInt(cell);
            } catch (NumberFormatException e) {
                label = -1;
            }
            if (label < 0) {
                problems.add("row " + lineNumber + ", column " + columns + ": label '" + cell
                        + "' is not an integer >= 0");
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
        return new Dataset(features, y, featureCount, maxLabel + 1);
    }
}
