package org.optim4j.schedule;

/**
 * The learning rate α as a function of the 0-based step index t.
 *
 * <p>Schedules are immutable values; the step counter lives in the optimizer's state, so a schedule
 * can be shared between optimizers and restored from a checkpoint by value.
 */
public interface LearningRateSchedule {

    /** α_t for the 0-based step index {@code step} (≥ 0). */
    double rate(long step);

    /** A constant learning rate α (α &gt; 0, finite). */
    static LearningRateSchedule constant(double alpha) {
        return new ConstantRate(alpha);
    }

    /** The spec's linear decay from α_0 to α_τ over τ steps, then α_τ. */
    static LearningRateSchedule linearDecay(double alpha0, double alphaTau, long tau) {
        return new LinearDecay(alpha0, alphaTau, tau);
    }

    /**
     * Parses the textual form used by the command line and in {@link #toString()}-like settings:
     * a plain number ({@code 0.01}) is a constant rate; {@code linear:α0,ατ,τ} is linear decay.
     *
     * @throws IllegalArgumentException naming the text when it cannot be parsed or is out of range
     */
    static LearningRateSchedule parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("schedule must not be empty, got '" + text + "'");
        }
        String t = text.trim();
        try {
            if (t.startsWith("linear:")) {
                String[] parts = t.substring("linear:".length()).split(",");
                if (parts.length != 3) {
                    throw new IllegalArgumentException(
                            "schedule 'linear:α0,ατ,τ' needs three values, got '" + text + "'");
                }
                return linearDecay(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()),
                        Long.parseLong(parts[2].trim()));
            }
            if (t.startsWith("constant:")) {
                t = t.substring("constant:".length());
            }
            return constant(Double.parseDouble(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "schedule must be a number or 'linear:α0,ατ,τ', got '" + text + "'", e);
        }
    }
}
