package org.optim4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.optim4j.backend.Backends;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spi.Availability;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.ComposedKernel;
import org.optim4j.spi.Kernel;
import org.optim4j.spi.KernelKey;
import org.optim4j.spi.StepScalars;
import org.optim4j.transform.ScaleByLearningRate;

/** The setup check lets a correct backend through and stops a subtly wrong one. */
class ReferenceCheckTest {

    static Iterable<String> rules() {
        return BenchRules.IDS;
    }

    @ParameterizedTest
    @MethodSource("rules")
    void everyAvailableBackendPassesOnEveryRule(String rule) {
        Workload w = Workload.of("4099");
        for (String name : BenchBackends.available()) {
            Backend backend = BenchBackends.open(name);
            ReferenceCheck.requireAgreement(rule + " on " + name, BenchRules.rule(rule), backend,
                    w.initialParameters(), w.gradient());
        }
    }

    @Test
    void aKernelWithASlightlyWrongRateIsRefused() {
        Backend wrong = new Skewed(BenchRules.rule("adam"), 1.001, false);
        Workload w = Workload.of("1000");
        UpdateRule adam = BenchRules.rule("adam");
        IllegalStateException e = assertThrows(IllegalStateException.class, () ->
                ReferenceCheck.requireAgreement("adam on skewed", adam, wrong, w.initialParameters(), w.gradient()));
        assertTrue(e.getMessage().contains("refusing"), e.getMessage());
    }

    @Test
    void aKernelThatMissesTheLastElementIsRefused() {
        Backend wrong = new Skewed(BenchRules.rule("momentum"), 1, true);
        Workload w = Workload.of("4097");
        assertThrows(IllegalStateException.class, () -> ReferenceCheck.requireAgreement("momentum on short",
                BenchRules.rule("momentum"), wrong, w.initialParameters(), w.gradient()));
    }

    @Test
    void aPeerComputingAnotherRuleIsRefused() {
        float[] theta0 = {1, 2, 3, 4};
        float[] expected = {0.9f, 1.9f, 2.9f, 3.9f};
        float[] actual = {0.91f, 1.9f, 2.9f, 3.9f};
        assertThrows(IllegalStateException.class, () ->
                ReferenceCheck.requirePeerAgreement("peer", theta0, expected, actual));
        ReferenceCheck.requirePeerAgreement("peer", theta0, expected, expected.clone());
    }

    /**
     * The scalar reference with a fused kernel for one rule's chain that is wrong: α scaled, or the last element
     * skipped (every other chain composed, as on the reference).
     */
    private static final class Skewed implements Backend {
        private final Backend scalar = Backends.byName("scalar");
        private final UpdateRule rule;
        private final double alphaFactor;
        private final boolean skipLast;

        Skewed(UpdateRule rule, double alphaFactor, boolean skipLast) {
            this.rule = rule;
            this.alphaFactor = alphaFactor;
            this.skipLast = skipLast;
        }

        @Override
        public String name() {
            return "skewed";
        }

        @Override
        public Availability availability() {
            return Availability.yes();
        }

        @Override
        public Buffer allocate(int length) {
            return scalar.allocate(length);
        }

        @Override
        public boolean owns(Buffer buffer) {
            return scalar.owns(buffer);
        }

        @Override
        public Set<KernelKey> kernelKeys() {
            return Set.of(KernelKey.of(rule));
        }

        @Override
        public Optional<Kernel> kernel(KernelKey key) {
            if (!key.equals(KernelKey.of(rule))) {
                return scalar.kernel(key);
            }
            Kernel inner = ComposedKernel.of(rule.transforms());
            return Optional.of((s, buffers, from, to) -> {
                StepScalars skewed = org.optim4j.spi.Chains.newScalars(rule.transforms());
                System.arraycopy(s.values(), 0, skewed.values(), 0, s.values().length);
                skewed.setStep(s.step()).setGradientScale(s.gradientScale());
                int alpha = s.names().indexOf(ScaleByLearningRate.ID + ".learning_rate");
                skewed.values()[alpha] *= alphaFactor;
                inner.apply(skewed, buffers, from, skipLast ? to - 1 : to);
            });
        }
    }
}
