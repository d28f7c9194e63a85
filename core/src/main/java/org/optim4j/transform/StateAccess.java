package org.optim4j.transform;

/**
 * A transform's state at one element, for its reference arithmetic: slot {@code k} is the transform's
 * k-th state buffer ({@link Transform#stateNames()}). {@link #set(int, double)} stores the value rounded to
 * the buffer's precision and returns the stored value, so the reference continues with exactly what a
 * float32 (or float64) implementation would have stored.
 */
public interface StateAccess {
    double get(int k);

    double set(int k, double value);
}
