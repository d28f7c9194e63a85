package org.optim4j.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;
import org.optim4j.schedule.Schedule;

/** Issue 12 item 8: every rule has the same factories, defaults() and builder(), checked through the registry. */
class RuleBuilderTest {

    @Test
    void everyRegisteredRuleHasDefaultsAndABuilderThatAgreeWithTheRegistry() throws Exception {
        for (RuleType type : Rules.types()) {
            UpdateRule defaults = type.defaults();
            assertEquals(defaults, Rules.builder(type.id()).build(), type.id());
            Class<?> c = defaults.getClass();
            if (c.getPackageName().equals(RuleType.class.getPackageName()) && c != ChainRule.class) {
                Method d = c.getMethod(type == SgdTorch.NESTEROV_TYPE ? "nesterovDefaults" : "defaults");
                Method b = c.getMethod(type == SgdTorch.NESTEROV_TYPE ? "nesterovBuilder" : "builder");
                assertTrue(Modifier.isStatic(d.getModifiers()) && Modifier.isStatic(b.getModifiers()), c.getName());
                assertEquals(defaults, d.invoke(null), type.id());
                assertEquals(type, ((RuleBuilder) b.invoke(null)).type(), type.id());
                assertEquals(defaults, ((RuleBuilder) b.invoke(null)).build(), type.id());
            } else {
                throw new AssertionError(type.id() + " has no typed rule class with defaults() and builder(): " + c);
            }
        }
    }

    @Test
    void pytorchNamesAreAliasesAndTheResultIsTheTypedRule() {
        assertEquals(new Adam(Schedule.constant(3e-4), 0.9, 0.99, 1e-6),
                Adam.builder().learningRate(3e-4).beta2(0.99).epsilon(1e-6).build());
        assertEquals(new Adam(Schedule.constant(3e-4), 0.8, 0.99, 1e-6),
                Adam.builder().set("lr", 3e-4).set("rho1", 0.8).set("beta2", 0.99).set("eps", 1e-6).build());
        assertEquals(Sgd.defaults(), Sgd.builder().build());
        assertEquals(Momentum.of(0.05, 0.8), Momentum.builder().learningRate(0.05).momentum(0.8).build());
        assertEquals(AdamW.of(1e-3, 0.1), AdamW.builder().weightDecay(0.1).build());
        UpdateRule scheduled = Adam.builder().set("beta1", Schedule.linearDecay(0.95, 0.85, 100)).build();
        assertEquals("adam", scheduled.id());
        assertTrue(scheduled instanceof ChainRule, scheduled.toString());
    }

    @Test
    void aWrongNameOrValueIsRefusedAtTheSetterNamingIt() {
        assertEquals("rule 'sgd' has no hyper-parameter 'rho1'; it has [learning_rate]",
                assertThrows(IllegalArgumentException.class, () -> Sgd.builder().beta1(0.9)).getMessage());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Adam.builder().beta2(1.0));
        assertTrue(e.getMessage().contains("rho2") && e.getMessage().contains("1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Adam.builder().learningRate(-1));
        assertTrue(e.getMessage().contains("learning_rate") && e.getMessage().contains("-1"), e.getMessage());
    }
}
