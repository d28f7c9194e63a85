package org.optim4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.problems.DemoRules;
import org.optim4j.problems.TestProblem;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spi.Buffer;

/** Every rule converges on a convex quadratic and on the Rosenbrock function (table-driven, as Optax's tests). */
class ConvergenceTest {

    static Stream<Arguments> table() {
        return TestProblem.all().stream()
                .flatMap(p -> DemoRules.forProblem(p).stream().map(r -> Arguments.of(p, r)));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("table")
    void converges(TestProblem problem, UpdateRule rule) {
        boolean banana = problem.name().equals("rosenbrock");
        int steps = banana ? 20_000 : 2_000;
        double tolerance = banana ? 1e-3 : 1e-6;
        Optimizer opt = Optimizer.create(rule, new ScalarBackend(), problem.dimension());
        Buffer theta = opt.newBuffer();
        theta.copyFrom(problem.start());
        double initial = problem.value(theta);
        for (int k = 0; k < steps; k++) {
            opt.step(theta, problem);
        }
        double loss = problem.value(theta);
        assertTrue(loss - problem.minimum() < tolerance,
                rule + " on " + problem.name() + ": loss " + initial + " -> " + loss + " after " + steps + " steps");
    }
}
