package org.optim4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.junit.jupiter.api.Test;

class CsvTest {

    @Test
    void fieldsWithCommasQuotesAndLineBreaksReadBackAsWritten() throws IOException {
        List<String> fields = List.of("plain", "linear:0.2,0.01,1000", "say \"hi\"", "two\nlines", "", "1.0E-4");
        String line = Csv.record(fields);
        assertEquals("plain,\"linear:0.2,0.01,1000\",\"say \"\"hi\"\"\",\"two\nlines\",,1.0E-4", line);
        try (CSVParser parser = CSVParser.parse(line + "\r\n", CSVFormat.RFC4180)) {
            assertEquals(fields, parser.getRecords().get(0).toList());
        }
    }
}
