package org.optim4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class FunctionsCommandTest {

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void printsALossTableForEveryRuleOnBothProblems() {
        String[] r = run("functions", "--steps", "100");
        assertEquals("0", r[0], r[2]);
        String out = r[1];
        for (String name : new String[] {"quadratic", "rosenbrock", "sgd", "momentum", "nesterov", "adagrad",
                "rmsprop", "adam", "k=100"}) {
            assertTrue(out.contains(name), "output mentions " + name + ":\n" + out);
        }
        // Losses fall: the quadratic's SGD row ends far below where it starts.
        String sgdRow = out.lines().filter(l -> l.startsWith("sgd")).findFirst().orElseThrow();
        String[] cells = sgdRow.trim().split("\\s+");
        assertTrue(Double.parseDouble(cells[cells.length - 1]) < 1e-3 * Double.parseDouble(cells[2]), sgdRow);
    }

    /** Issue 12 item 7: auto is the same choice as the library's, per rule and size (it fell back to scalar). */
    @Test
    void autoChoosesPerRuleAsTheLibraryDoes() {
        String[] r = run("functions", "--steps", "10", "--backend", "auto");
        assertEquals("0", r[0], r[2]);
        java.util.List<String> rows = r[1].lines().filter(l -> l.endsWith("]")).toList();
        assertEquals(12, rows.size(), r[1]);
        for (org.optim4j.problems.TestProblem p : org.optim4j.problems.TestProblem.all()) {
            for (org.optim4j.rule.UpdateRule rule : org.optim4j.problems.DemoRules.forProblem(p)) {
                String expected = "[" + org.optim4j.backend.Backends.select(rule, p.dimension()).name() + "]";
                assertTrue(rows.stream().anyMatch(l -> l.startsWith(rule.id()) && l.endsWith(expected)),
                        rule.id() + " " + expected + "\n" + r[1]);
            }
        }
    }

    @Test
    void helpListsTheCommandsAndBadInputIsRefused() {
        String[] help = run("--help");
        assertEquals("0", help[0]);
        assertTrue(help[1].contains("functions"), help[1]);
        String[] bad = run("functions", "--steps", "0");
        assertNotEquals("0", bad[0]);
        assertTrue(bad[2].contains("--steps must be >= 1, got 0"), bad[2]);
    }
}
