package org.optim4j.schedule;

import java.util.Map;

/** A constant hyper-parameter value (any finite number; the rule that uses it checks its range). */
public record Fixed(double value) implements Schedule.Encodable {

    public Fixed {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("fixed value must be finite, got " + value);
        }
    }

    @Override
    public double value(long step) {
        org.optim4j.internal.Check.step(step);
        return value;
    }

    @Override
    public double constantValue() {
        return value;
    }

    @Override
    public String kind() {
        return "fixed";
    }

    @Override
    public Map<String, Number> parameters() {
        return Map.of("value", value);
    }

    @Override
    public String toString() {
        return Double.toString(value);
    }
}
