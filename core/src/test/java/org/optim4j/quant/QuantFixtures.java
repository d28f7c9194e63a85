package org.optim4j.quant;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the fixtures written by {@code fixtures/quant/generate_quant.py}. */
final class QuantFixtures {
    private QuantFixtures() {
    }

    /** The non-comment lines of a fixture file. */
    static List<String> lines(String name) throws IOException {
        var in = QuantFixtures.class.getResourceAsStream("/fixtures/quant/" + name);
        if (in == null) {
            throw new IOException("missing fixture " + name);
        }
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    out.add(line.trim());
                }
            }
        }
        return out;
    }

    static int hex(String s) {
        return Integer.parseUnsignedInt(s, 16);
    }
}
