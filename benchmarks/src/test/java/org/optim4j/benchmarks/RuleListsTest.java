package org.optim4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;
import org.optim4j.benchmarks.peers.Dl4jUpdaterBenchmark;
import org.optim4j.benchmarks.peers.Nd4jNativeOpBenchmark;
import org.optim4j.benchmarks.peers.Peers;
import org.optim4j.benchmarks.roofline.RooflineBenchmark;
import org.optim4j.rule.Rules;

/**
 * JMH's {@code @Param} lists are compile-time constants, so they cannot read the registry: this checks that each
 * rule list is the registry's ({@link Rules#ids()}), or for a peer the registry's rules that the peer has,
 * and that the suite's per-rule numbers are what they were before they were derived from the state count.
 */
class RuleListsTest {

    private static List<String> params(Class<?> benchmark, String field) throws NoSuchFieldException {
        Param p = benchmark.getField(field).getAnnotation(Param.class);
        assertNotNull(p, benchmark.getSimpleName() + "." + field + " has no @Param");
        return Arrays.asList(p.value());
    }

    /** Every class of the suite (this module's main classes, JMH's generated ones aside). */
    private static List<Class<?>> suiteClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path anchor = Path.of(BenchRules.class.getResource("BenchRules.class").toURI());
        Path root = anchor.getParent().getParent().getParent().getParent();
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(anchor.getParent())) {
            for (Path f : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(f).toString().replace(f.getFileSystem().getSeparator(), ".")
                        .replaceAll("\\.class$", "");
                if (!name.contains("jmh_generated")) {
                    classes.add(Class.forName(name, false, RuleListsTest.class.getClassLoader()));
                }
            }
        }
        return classes;
    }

    @Test
    void everyJmhRuleListNamesRegisteredRulesOnly() throws Exception {
        List<String> checked = new ArrayList<>();
        for (Class<?> c : suiteClasses()) {
            for (Field f : c.getFields()) {
                Param p = f.getAnnotation(Param.class);
                if (p != null && f.getName().equals("rule")) {
                    for (String id : p.value()) {
                        assertTrue(Rules.ids().contains(id), c.getSimpleName() + " measures rule '" + id
                                + "', which is not registered: " + Rules.ids());
                    }
                    checked.add(c.getSimpleName());
                }
            }
        }
        assertTrue(checked.containsAll(List.of("StepBenchmark", "Dl4jUpdaterBenchmark", "Nd4jNativeOpBenchmark")),
                "rule lists found in " + checked);
    }

    @Test
    void stepBenchmarkMeasuresEveryRegisteredRule() throws Exception {
        assertEquals(Rules.ids(), BenchRules.IDS);
        assertEquals(Rules.ids(), params(StepBenchmark.class, "rule"),
                "StepBenchmark's @Param rule list must be Rules.ids()");
    }

    @Test
    void peerBenchmarksMeasureEveryRegisteredRuleThePeerHas() throws Exception {
        assertEquals(Peers.dl4jRules(), params(Dl4jUpdaterBenchmark.class, "rule"),
                "Dl4jUpdaterBenchmark's @Param rule list must be the registered rules DL4J has");
        assertEquals(Peers.nativeOpRules(), params(Nd4jNativeOpBenchmark.class, "rule"),
                "Nd4jNativeOpBenchmark's @Param rule list must be the registered rules ND4J has an op for");
        for (List<String> peer : List.of(Peers.dl4jRules(), Peers.nativeOpRules())) {
            assertTrue(Rules.ids().containsAll(peer), peer.toString());
            assertFalse(peer.contains("momentum"), "neither DL4J nor ND4J has classic momentum");
        }
    }

    @Test
    void theRooflineCoversTheTrafficOfEveryRule() throws Exception {
        List<String> arrays = params(RooflineBenchmark.Arrays.class, "arrays");
        for (String id : Rules.ids()) {
            assertTrue(arrays.contains(Integer.toString(BenchRules.arrays(id))),
                    id + " reads " + BenchRules.arrays(id) + " arrays; the roofline measures " + arrays);
        }
    }

    @Test
    void trafficFollowsTheStateCount() {
        assertEquals(12, BenchRules.bytesPerParameter("sgd"));
        for (String id : List.of("momentum", "nesterov", "adagrad", "rmsprop")) {
            assertEquals(20, BenchRules.bytesPerParameter(id), id);
            assertEquals(3, BenchRules.arrays(id), id);
        }
        assertEquals(28, BenchRules.bytesPerParameter("adam"));
        assertEquals(44, BenchRules.bytesPerParameter("lamb"), "LAMB's first pass reads θ, g, s, r once more");
        assertEquals(2, BenchRules.arrays("sgd"));
        assertEquals(4, BenchRules.arrays("adam"));
    }

    @Test
    void theSuiteMeasuresTheRegisteredDefaultsButSgdDecays() {
        for (String id : Rules.ids()) {
            if (!id.equals("sgd")) {
                assertEquals(Rules.type(id).defaults(), BenchRules.rule(id), id);
            }
        }
        assertEquals(0.01, BenchRules.rule("sgd").learningRate().value(0));
        assertTrue(BenchRules.rule("sgd").learningRate().value(1) < 0.01, "SGD's α decays every step");
    }
}
