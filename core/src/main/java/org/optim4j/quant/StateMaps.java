package org.optim4j.quant;

import java.util.Set;

/**
 * Which {@link DynamicMap} an int8 state buffer uses: the unsigned map for the second-moment-like buffers of the
 * built-in transforms, which are never negative (r of Adam and its variants, AdaGrad and RMSProp, AMSGrad's
 * r_max, AdaMax's v, AdaDelta's r and d), the signed map for everything else — every buffer of a user's
 * transform included, since the unsigned map would turn a negative value into 0.
 */
public final class StateMaps {
    private static final Set<String> NON_NEGATIVE = Set.of(
            "scale_by_adam/r", "scale_by_amsgrad/r", "scale_by_amsgrad/r_max", "scale_by_nadam/r",
            "scale_by_radam/r", "scale_by_adagrad/r", "scale_by_rms/r", "scale_by_centered_rms/r",
            "scale_by_adamax/v", "scale_by_adadelta/r", "scale_by_adadelta/d");

    private StateMaps() {
    }

    /** The map for state buffer {@code stateName} of the transform with id {@code transformId}. */
    public static DynamicMap forState(String transformId, String stateName) {
        return NON_NEGATIVE.contains(transformId + "/" + stateName) ? DynamicMap.UNSIGNED : DynamicMap.SIGNED;
    }
}
