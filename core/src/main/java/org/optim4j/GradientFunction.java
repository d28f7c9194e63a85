package org.optim4j;

import org.optim4j.spi.Buffer;

/**
 * A closure θ' ↦ ∇R(θ'): writes the gradient of the risk at {@code point} into {@code gradient}.
 * Nesterov's spec form needs it, because the gradient is taken at θ + ρ·s, a point the optimizer
 * computes. Both buffers belong to the optimizer's backend; {@code point} must not be modified.
 */
@FunctionalInterface
public interface GradientFunction {
    void gradient(Buffer point, Buffer gradient);
}
