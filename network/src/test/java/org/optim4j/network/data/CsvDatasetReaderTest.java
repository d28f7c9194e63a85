package org.optim4j.network.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDatasetReaderTest {

    private static Dataset parse(String csv) throws IOException {
        return CsvDatasetReader.read(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), "test.csv");
    }

    private static MalformedDataException refused(String csv) {
        return assertThrows(MalformedDataException.class, () -> parse(csv));
    }

    @Test
    void readsTheShippedDigits() {
        Dataset d = Digits.load();
        assertEquals(1797, d.rows());
        assertEquals(64, d.featureCount());
        assertEquals(10, d.classCount());
        assertEquals(16f, d.maxFeature());
        // First row of the file: 0,0,5,13,… label 0.
        assertEquals(5f, d.feature(0, 2));
        assertEquals(0, d.label(0));
        assertEquals(1f, d.scaledBy(Digits.MAX_PIXEL).maxFeature());
    }

    @Test
    void readsPlainAndGzippedFilesAlike(@TempDir Path dir) throws IOException {
        String csv = "1,2,0\n3,4.5,1\n\n5,6,2\n";
        Path plain = dir.resolve("plain.csv");
        Files.writeString(plain, csv);
        Path gz = dir.resolve("anything.bin");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(csv.getBytes(StandardCharsets.UTF_8));
        }
        for (Path p : new Path[] {plain, gz}) {
            Dataset d = CsvDatasetReader.read(p);
            assertEquals(3, d.rows(), p.toString());
            assertEquals(2, d.featureCount());
            assertEquals(3, d.classCount());
            assertEquals(4.5f, d.feature(1, 1));
            assertEquals(2, d.label(2));
        }
    }

    @Test
    void reportsEachMalformedRowWithItsNumber() {
        MalformedDataException e = refused("1,2,0\n1,2\n1,x,1\n1,2,3.5\n1,2,-1\n1,NaN,0\n1,2,1\n");
        assertEquals(5, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).startsWith("row 2:") && e.problems().get(0).contains("2 columns, expected 3"),
                e.problems().get(0));
        assertTrue(e.problems().get(1).startsWith("row 3, column 2") && e.problems().get(1).contains("'x' is not a number"),
                e.problems().get(1));
        assertTrue(e.problems().get(2).startsWith("row 4, column 3") && e.problems().get(2).contains("'3.5'"),
                e.problems().get(2));
        assertTrue(e.problems().get(3).startsWith("row 5") && e.problems().get(3).contains("'-1'"), e.problems().get(3));
        assertTrue(e.problems().get(4).startsWith("row 6") && e.problems().get(4).contains("not finite"),
                e.problems().get(4));
        assertTrue(e.getMessage().startsWith("test.csv"), e.getMessage());
    }

    @Test
    void acceptsIntegerLabelsWrittenAsDecimals() throws IOException {
        // pandas writes an integer column that once held a NaN as 0.0, 1.0, …
        Dataset d = parse("1,2,0.0\n3,4,1.0\n5,6,2.00\n7,8,1e0\n");
        assertEquals(3, d.classCount());
        assertArrayEquals(new int[] {0, 1, 2, 1}, new int[] {d.label(0), d.label(1), d.label(2), d.label(3)});
        MalformedDataException e = refused("1,2,0\n1,2,1.5\n1,2,1e10\n1,2,-0.0\n");
        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).contains("'1.5' is not an integer"), e.getMessage());
        assertTrue(e.problems().get(1).contains("'1e10'"), e.getMessage());
    }

    @Test
    void refusesLabelsThatLeaveClassesEmptyUnlessTheClassCountIsGiven() throws IOException {
        String csv = "1,2,0\n1,2,1\n1,2,2\n1,2,99\n1,2,1\n";
        EmptyClassesException e = assertThrows(EmptyClassesException.class, () -> parse(csv));
        assertArrayEquals(new int[] {0, 1, 2, 99}, e.labels());
        assertEquals(100, e.classCount());
        assertTrue(e.getMessage().contains("0, 1, 2, 99") && e.getMessage().contains("3..98"), e.getMessage());

        Dataset d = CsvDatasetReader.read(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), "t", 100);
        assertEquals(100, d.classCount());
        assertArrayEquals(new int[] {1, 2, 1}, Arrays.copyOf(d.rowsPerClass(), 3));
        assertEquals(1, d.rowsPerClass()[99]);
        MalformedDataException tooFew = assertThrows(MalformedDataException.class, () -> CsvDatasetReader.read(
                new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), "t", 50));
        assertTrue(tooFew.getMessage().contains("row 4") && tooFew.getMessage().contains("'99'")
                && tooFew.getMessage().contains("50 classes"), tooFew.getMessage());
    }

    @Test
    void aSplitOfTwoRowsKeepsOneInEachPart() {
        Dataset d = new Dataset(new float[] {1, 2}, new int[] {0, 1}, 1, 2);
        Dataset.Split s = d.split(0.8, 1);
        assertEquals(1, s.train().rows());
        assertEquals(1, s.test().rows());
        assertThrows(IllegalArgumentException.class, () -> new Dataset(new float[] {1}, new int[] {0}, 1, 1).split(0.8, 1));
    }

    @Test
    void refusesEmptyInputAndRowsWithoutFeatures() {
        assertTrue(refused("").getMessage().contains("no data rows"));
        assertTrue(refused("\n\n").getMessage().contains("no data rows"));
        assertTrue(refused("3\n4\n").problems().get(0).startsWith("row 1"));
    }

    @Test
    void stopsAfterTenProblems() {
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            csv.append("a,1\n");
        }
        MalformedDataException e = refused(csv.toString());
        assertEquals(CsvDatasetReader.MAX_PROBLEMS, e.problems().size());
        assertTrue(e.getMessage().contains("stopped after"));
    }

    @Test
    void splitIsSeededShuffledAndCoversEveryRowOnce() {
        Dataset d = Digits.load();
        Dataset.Split a = d.split(0.8, 42);
        Dataset.Split b = d.split(0.8, 42);
        Dataset.Split c = d.split(0.8, 43);
        assertEquals(1438, a.train().rows());
        assertEquals(359, a.test().rows());
        assertArrayEquals(rowsOf(a.train()), rowsOf(b.train()));
        assertNotEquals(rowKeys(a.test()), rowKeys(c.test()));
        Set<String> all = new HashSet<>(rowKeys(a.train()));
        all.addAll(rowKeys(a.test()));
        assertEquals(rowKeys(d), all);
        // Shuffled: the training part does not start with the file's first rows.
        assertNotEquals(key(d, 0) + key(d, 1), key(a.train(), 0) + key(a.train(), 1));
    }

    private static String key(Dataset d, int r) {
        StringBuilder s = new StringBuilder();
        for (int c = 0; c < d.featureCount(); c++) {
            s.append(d.feature(r, c)).append(',');
        }
        return s.append(d.label(r)).toString();
    }

    /** Every row as text; duplicate rows (the digits have some) numbered so the set keeps each. */
    private static Set<String> rowKeys(Dataset d) {
        Map<String, Integer> seen = new HashMap<>();
        Set<String> keys = new HashSet<>();
        for (int r = 0; r < d.rows(); r++) {
            String k = key(d, r);
            keys.add(k + "#" + seen.merge(k, 1, Integer::sum));
        }
        return keys;
    }

    private static String[] rowsOf(Dataset d) {
        String[] rows = new String[d.rows()];
        for (int r = 0; r < d.rows(); r++) {
            rows[r] = key(d, r);
        }
        return rows;
    }
}
