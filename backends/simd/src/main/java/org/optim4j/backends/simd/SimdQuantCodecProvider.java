package org.optim4j.backends.simd;

import org.optim4j.quant.QuantCodec;

/**
 * Offers {@link VectorCodec} to {@link QuantCodec#get()} (through {@link java.util.ServiceLoader}) when
 * {@code jdk.incubator.vector} is present; this class itself uses none of it, so it loads without the module.
 */
public final class SimdQuantCodecProvider implements QuantCodec.Provider {
    @Override
    public QuantCodec codec() {
        return VectorSupport.AVAILABLE ? new VectorCodec() : null;
    }
}
