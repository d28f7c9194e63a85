package org.optim4j.network.data;

import java.util.List;

/** A data file that cannot be read as a data set: each problem names its row and what is wrong. */
public final class MalformedDataException extends IllegalArgumentException {
    private final String source;
    private final transient List<String> problems;

    public MalformedDataException(String source, List<String> problems) {
        super(source + " is not a valid data set (features then an integer label per row):\n  "
                + String.join("\n  ", problems)
                + (problems.size() >= CsvDatasetReader.MAX_PROBLEMS ? "\n  (stopped after " + problems.size()
                + " problems)" : ""));
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    /** The file or resource that was read. */
    public String source() {
        return source;
    }

    /** One line per problem, each starting with {@code row N}. */
    public List<String> problems() {
        return problems;
    }
}
