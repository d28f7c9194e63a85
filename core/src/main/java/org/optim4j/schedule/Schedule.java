package org.optim4j.schedule;

/**
 * A scalar hyper-parameter as a function of the 0-based step index t: the learning rate, and any other
 * hyper-parameter of a rule (weight decay, momentum, …).
 *
 * <p>Schedules are immutable values; the step counter lives in the optimizer's state, so a schedule can be
 * shared between optimizers and restored from a checkpoint by value. A schedule that a checkpoint can
 * store implements {@link Encodable} and has its kind registered in {@link Schedules}; any other schedule
 * (a lambda, say) works everywhere except in a checkpoint, which refuses it by name.
 */
@FunctionalInterface
public interface Schedule {

    /** The value at the 0-based step index {@code step} (≥ 0). */
    double value(long step);

    /** A constant learning rate α (α &gt; 0, finite). */
    static Schedule constant(double alpha) {
        return new ConstantRate(alpha);
    }

    /** A constant hyper-parameter value (finite; the rule that uses it checks its range). */
    static Schedule fixed(double value) {
        return new Fixed(value);
    }

    /** The spec's linear decay from α_0 to α_τ over τ steps, then α_τ. */
    static Schedule linearDecay(double alpha0, double alphaTau, long tau) {
        return new LinearDecay(alpha0, alphaTau, tau);
    }

    /**
     * Parses the textual form used by the command line: a plain number ({@code 0.01}) is a constant;
     * otherwise {@code kind:p1,p2,…} for any kind registered in {@link Schedules} ({@code linear:α0,ατ,τ},
     * {@code cosine:αmax,αmin,T}, …), or a join of such forms {@code s0+s1@b1+s2@b2…} (part i from step b_i on,
     * counting steps from there); docs/schedules.md has the grammar.
     *
     * @throws IllegalArgumentException naming the text when it cannot be parsed or is out of range
     */
    static Schedule parse(String text) {
        return Schedules.parse(text);
    }

    /** The constant value when this schedule is a constant, else NaN. */
    default double constantValue() {
        return Double.NaN;
    }

    /** A schedule that a checkpoint can store: a registered kind and named numeric parameters. */
    interface Encodable extends Schedule {
        /** The kind under which it is registered in {@link Schedules} ({@code constant}, {@code linear}). */
        String kind();

        /** Its parameters by name, in the order {@link Schedules#parse(String)} takes them (Double, or Long for step counts). */
        java.util.Map<String, Number> parameters();
    }
}
