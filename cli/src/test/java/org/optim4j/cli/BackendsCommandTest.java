package org.optim4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.optim4j.backend.Backends;
import org.optim4j.spi.Backend;
import picocli.CommandLine;

class BackendsCommandTest {

    @Test
    void listsEveryBackendWithItsAvailabilityAndTheReasonWhenUnavailable() {
        StringWriter text = new StringWriter();
        int code = new CommandLine(new Main()).setOut(new PrintWriter(text)).execute("backends");
        assertEquals(0, code);
        String out = text.toString();
        for (Backend b : Backends.all()) {
            String line = out.lines().filter(l -> l.startsWith(b.name() + " ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no line for " + b.name() + " in\n" + out));
            assertTrue(line.contains(b.availability().available() ? "yes" : "no"), line);
            assertTrue(line.contains(b.availability().reason()), line);
        }
        assertTrue(out.contains("simd") && out.contains("nd4j") && out.contains("cuda"), out);
    }
}
