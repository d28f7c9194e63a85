package org.optim4j.network;

import org.optim4j.spi.Buffer;

/**
 * How an {@link Mlp} computes: forward pass, softmax cross-entropy and back-propagation over a
 * mini-batch. The implementations differ only in where the arithmetic runs (see {@link Engine});
 * {@link Mlp} checks every argument before calling one, so engines do no validation.
 *
 * <p>An engine owns preallocated work space for up to its capacity of rows: it allocates nothing per
 * call after the first, and is not thread-safe.
 */
interface MlpEngine {

    /**
     * The mean cross-entropy over the batch at parameters {@code theta}; writes ∂loss/∂θ into
     * {@code gradient}. {@code theta} is only read.
     */
    double lossAndGradient(Buffer theta, Batch batch, Buffer gradient);

    /** Writes the logits z⁽ᴸ⁾ of each row of the batch into {@code logits} (rows × classes, row-major). */
    void logits(Buffer theta, Batch batch, float[] logits);
}
