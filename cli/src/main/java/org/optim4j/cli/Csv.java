package org.optim4j.cli;

import java.util.List;

/**
 * Writes CSV records as RFC 4180 has them: fields separated by commas, a field that holds a comma, a
 * double quote, CR or LF enclosed in double quotes with its double quotes doubled. (A learning-rate
 * schedule such as {@code linear:0.2,0.01,1000} is one such field.)
 */
final class Csv {
    private Csv() {
    }

    /** One record, without its line break. */
    static String record(List<?> fields) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                line.append(',');
            }
            line.append(field(String.valueOf(fields.get(i))));
        }
        return line.toString();
    }

    /** {@code value} as one field: quoted when it must be. */
    static String field(String value) {
        boolean quote = value.chars().anyMatch(c -> c == ',' || c == '"' || c == '\r' || c == '\n');
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}
