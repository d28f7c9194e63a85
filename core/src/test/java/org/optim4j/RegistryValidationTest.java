package org.optim4j;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.optim4j.rule.RuleType;
import org.optim4j.rule.Rules;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.Param;

/**
 * Every hyper-parameter of every registered rule refuses values outside its declared range, by name and alias,
 * through {@code --hp} text and through {@link Rules#create}; and every rule builds at its defaults. A rule added
 * to the registry is covered without a line here.
 */
class RegistryValidationTest {

    private static double[] bad(Param.Range range) {
        double nan = Double.NaN, inf = Double.POSITIVE_INFINITY;
        return switch (range) {
            case POSITIVE -> new double[] {0, -1e-8, nan, inf};
            case NON_NEGATIVE -> new double[] {-1e-9, nan, inf};
            case UNIT_INTERVAL -> new double[] {-0.1, 1, 1.5, nan};
        };
    }

    @TestFactory
    Stream<DynamicTest> everyRegisteredHyperParameterIsRangeChecked() {
        List<DynamicTest> tests = new ArrayList<>();
        for (RuleType type : Rules.types()) {
            tests.add(DynamicTest.dynamicTest(type.id() + " builds at its defaults",
                    () -> assertFalse(type.defaults().transforms().isEmpty())));
            // What a checkpoint stores (the rule's hyper-parameters by name) rebuilds the same definition.
            tests.add(DynamicTest.dynamicTest(type.id() + " rebuilds from its own hyper-parameters", () -> {
                UpdateRule rule = type.defaults();
                assertTrue(UpdateRule.sameDefinition(rule, Rules.create(type.id(), rule.hyperParameters())),
                        rule.toString());
            }));
            for (Param p : type.params()) {
                for (double v : bad(p.range())) {
                    List<String> keys = new ArrayList<>(p.aliases());
                    keys.add(0, p.name());
                    for (String key : keys) {
                        tests.add(DynamicTest.dynamicTest(type.id() + " " + key + "=" + v + " is refused", () -> {
                            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                                    () -> Rules.create(type.id(), Rules.parse(type.id(), key + "=" + v)));
                            assertTrue(e.getMessage().contains(p.name() + " must be")
                                    && e.getMessage().contains(Double.toString(v)), e.getMessage());
                        }));
                    }
                }
                if (!p.name().equals("learning_rate")) {
                    double v = bad(p.range())[0];
                    tests.add(DynamicTest.dynamicTest(type.id() + " " + p.name() + " as a fixed schedule " + v, () -> {
                        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                                () -> Rules.create(type.id(), Map.of(p.name(), Schedule.fixed(v))));
                        assertTrue(e.getMessage().startsWith(p.name() + " "), e.getMessage());
                    }));
                }
            }
        }
        return tests.stream();
    }
}
