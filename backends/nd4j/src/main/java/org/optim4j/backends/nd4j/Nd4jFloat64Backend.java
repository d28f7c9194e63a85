package org.optim4j.backends.nd4j;

import org.optim4j.spi.Buffer;

/** The {@code nd4j} backend over float64 INDArrays, selectable by name: {@code nd4j-f64}. */
public final class Nd4jFloat64Backend extends Nd4jBackend {
    public Nd4jFloat64Backend() {
        super(Buffer.Precision.FLOAT64);
    }
}
