package org.optim4j.network.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The labels of a data set read without a class count leave classes without a single row: labels
 * {0, 1, 2, 99} would make a 100-class network of which 96 classes are never seen. Either the labels
 * are not numbered 0, 1, 2, … (renumber them) or the classes really are that many (give the count:
 * {@link CsvDatasetReader#read(java.nio.file.Path, int)}).
 */
public final class EmptyClassesException extends IllegalArgumentException {
    private final int[] labels;
    private final int classCount;

    /**
     * @param labels     the distinct labels present, ascending
     * @param classCount the count they imply, the largest label + 1
     */
    public EmptyClassesException(String source, int[] labels, int classCount) {
        super(source + ": labels " + list(labels) + " leave " + (classCount - labels.length) + " of the "
                + classCount + " classes 0.." + (classCount - 1) + " without a row (" + missing(labels, classCount)
                + "); renumber the labels 0.." + (labels.length - 1) + ", or give the number of classes");
        this.labels = labels.clone();
        this.classCount = classCount;
    }

    /** The distinct labels present, ascending. */
    public int[] labels() {
        return labels.clone();
    }

    /** The number of classes the labels imply: the largest + 1. */
    public int classCount() {
        return classCount;
    }

    /** "0, 1, 2, 99", or "0, 1, 2, …, 98, 99 (40 labels)" when long. */
    public static String list(int[] labels) {
        if (labels.length <= 8) {
            return Arrays.stream(labels).mapToObj(Integer::toString).collect(Collectors.joining(", "));
        }
        return labels[0] + ", " + labels[1] + ", " + labels[2] + ", …, " + labels[labels.length - 2] + ", "
                + labels[labels.length - 1] + " (" + labels.length + " labels)";
    }

    /** The classes below {@code classCount} without a label, as ranges: "3..98", "2, 5..7, …". */
    static String missing(int[] labels, int classCount) {
        List<String> ranges = new ArrayList<>();
        int next = 0;
        for (int i = 0; i <= labels.length; i++) {
            int end = i < labels.length ? labels[i] : classCount;
            if (end > next) {
                ranges.add(end - 1 == next ? Integer.toString(next) : next + ".." + (end - 1));
            }
            next = end + 1;
        }
        return ranges.size() <= 4 ? String.join(", ", ranges)
                : String.join(", ", ranges.subList(0, 4)) + ", … (" + ranges.size() + " gaps)";
    }
}
