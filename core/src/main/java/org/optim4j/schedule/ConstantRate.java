package org.optim4j.schedule;

import java.util.Map;
import org.optim4j.internal.Check;

/** α_t = α for every step: a constant learning rate (α &gt; 0, finite). Other constant hyper-parameters are {@link Fixed}. */
public record ConstantRate(double alpha) implements Schedule.Encodable {

    public ConstantRate {
        Check.positive("alpha", alpha);
    }

    @Override
    public double value(long step) {
        Check.step(step);
        return alpha;
    }

    @Override
    public double constantValue() {
        return alpha;
    }

    @Override
    public String kind() {
        return "constant";
    }

    @Override
    public Map<String, Number> parameters() {
        return Map.of("alpha", alpha);
    }

    @Override
    public String toString() {
        return Double.toString(alpha);
    }
}
