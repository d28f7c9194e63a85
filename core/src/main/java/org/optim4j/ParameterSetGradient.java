package org.optim4j;

/**
 * {@link GradientFunction} in a {@link ParameterSet}'s layout: writes the gradient at {@code point} into
 * {@code gradient}, both with the parameters' tensors (read and write them by name). {@code point} must not be
 * modified; for Nesterov's spec form it is the look-ahead point, not the parameters.
 */
@FunctionalInterface
public interface ParameterSetGradient {
    void gradient(ParameterSet point, ParameterSet gradient);
}
