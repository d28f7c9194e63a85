package org.optim4j.problems;

import org.optim4j.GradientFunction;
import org.optim4j.spi.Buffer;

/**
 * A classic optimization test function with its analytic gradient, for demos and convergence tests.
 * Works on any backend's buffers through the element accessors (the problems are small).
 */
public interface TestProblem extends GradientFunction {

    String name();

    int dimension();

    /** The usual starting point. */
    float[] start();

    /** R(θ). */
    double value(Buffer theta);

    /** The minimum value of R. */
    double minimum();

    /** All test problems, in a fixed order. */
    static java.util.List<TestProblem> all() {
        return java.util.List.of(Quadratic.standard(), new Rosenbrock());
    }
}
