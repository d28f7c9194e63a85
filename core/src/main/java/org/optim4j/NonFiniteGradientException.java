package org.optim4j;

/**
 * A gradient held NaN or ±Infinity and the optimizer's policy is {@link NonFinitePolicy#FAIL}.
 * Nothing was modified: parameters, state and step counter are as they were before the call.
 */
public final class NonFiniteGradientException extends ArithmeticException {
    private final String tensor;
    private final int index;
    private final int flatIndex;
    private final double value;

    NonFiniteGradientException(String tensor, int index, int flatIndex, double value, long step) {
        super("non-finite gradient at step " + step + ": " + tensor + "[" + index + "] = " + value
                + (index == flatIndex ? "" : " (flat index " + flatIndex + ")")
                + " is the first NaN or Infinity; nothing was modified");
        this.tensor = tensor;
        this.index = index;
        this.flatIndex = flatIndex;
        this.value = value;
    }

    /** The tensor's name in its {@link ParameterSet}, or {@code "gradient"} for a bare buffer. */
    public String tensor() {
        return tensor;
    }

    /** The index of the first non-finite element inside {@link #tensor()}. */
    public int index() {
        return index;
    }

    /** The same element's index in the flat gradient buffer. */
    public int flatIndex() {
        return flatIndex;
    }

    /** The offending value: NaN, +Infinity or −Infinity. */
    public double value() {
        return value;
    }
}
