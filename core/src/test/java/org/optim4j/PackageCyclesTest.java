package org.optim4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/** No package of core depends, through any path, on a package that depends on it (jdeps over the compiled classes). */
class PackageCyclesTest {
    @Test
    void corePackagesHaveNoCycle() {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "-verbose:package",
                "-filter:none", "-e", "org\\.optim4j.*", Path.of("target", "classes").toString());
        assertTrue(rc == 0, "jdeps failed: " + out);
        Map<String, Set<String>> edges = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            String[] w = line.trim().split("\\s+");
            if (w.length >= 3 && w[0].startsWith("org.optim4j") && w[1].equals("->") && w[2].startsWith("org.optim4j")
                    && !w[0].equals(w[2])) {
                edges.computeIfAbsent(w[0], k -> new TreeSet<>()).add(w[2]);
            }
        }
        assertTrue(edges.size() >= 8, "jdeps output not understood: " + out);
        for (String from : edges.keySet()) {
            for (String to : edges.get(from)) {
                assertTrue(!reaches(edges, to, from), "package cycle: " + from + " -> " + to + " -> … -> " + from);
            }
        }
    }

    private static boolean reaches(Map<String, Set<String>> edges, String from, String target) {
        Deque<String> todo = new ArrayDeque<>(List.of(from));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String p = todo.pop();
            if (p.equals(target)) {
                return true;
            }
            if (seen.add(p)) {
                todo.addAll(edges.getOrDefault(p, Set.of()));
            }
        }
        return false;
    }
}
