package org.optim4j.state;

/** Elements {@code [from, to)} of the flat parameter buffer. */
public record Range(int from, int to) {
    public Range {
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("range [" + from + ", " + to + ") is not a valid range of elements");
        }
    }

    public int length() {
        return to - from;
    }
}
