package org.optim4j.transform;

import java.util.List;
import org.optim4j.internal.Check;
import org.optim4j.schedule.Schedule;

/** The hyper-parameters the built-in transforms declare, each once, with the spec's name and the usual aliases. */
public final class Params {
    private Params() {
    }

    /** α, the learning rate (no default: each rule has its own). */
    public static final Param LEARNING_RATE = new Param("learning_rate", List.of("lr", "alpha"), Double.NaN,
            Param.Range.POSITIVE, "learning rate α (a schedule's value may reach 0, never below)");
    /** ρ of momentum and Nesterov. */
    public static final Param RHO = new Param("rho", List.of("momentum", "mu"), 0.9, Param.Range.UNIT_INTERVAL,
            "momentum coefficient ρ");
    /** ρ₁, Adam's first-moment decay. */
    public static final Param RHO1 = new Param("rho1", List.of("beta1"), 0.9, Param.Range.UNIT_INTERVAL,
            "first-moment decay ρ₁ (β₁)");
    /** ρ₂, the second-moment decay of RMSProp and Adam. */
    public static final Param RHO2 = new Param("rho2", List.of("beta2"), 0.999, Param.Range.UNIT_INTERVAL,
            "second-moment decay ρ₂ (β₂)");
    /** ε, added outside the square root. */
    public static final Param EPSILON = new Param("epsilon", List.of("eps"), 1e-8, Param.Range.POSITIVE,
            "ε, added outside the square root");
    /** λ, decoupled weight decay. */
    public static final Param WEIGHT_DECAY = new Param("weight_decay", List.of("lambda", "wd"), 0.01,
            Param.Range.NON_NEGATIVE, "weight decay λ");
    /** The largest global gradient norm let through. */
    public static final Param MAX_NORM = new Param("max_norm", List.of(), 1.0, Param.Range.POSITIVE,
            "largest global norm ‖g‖₂ let through");

    /** A constant hyper-parameter value, checked against {@code p}'s range: the message names the parameter. */
    public static Schedule fixed(Param p, double value) {
        return Schedule.fixed(p.check(value));
    }

    /** A schedule given for {@code p}: not null; a constant one is checked at once. */
    public static Schedule scheduled(Param p, Schedule s) {
        Check.notNull(p.name(), s);
        double c = s.constantValue();
        if (!Double.isNaN(c)) {
            p.check(c);
        }
        return s;
    }

    /**
     * The value of {@code s} at step {@code t}, checked: a learning rate may reach 0 (a decay's end) but not
     * go below; any other parameter must stay in its range.
     */
    public static double at(Param p, Schedule s, long t) {
        double v = s.value(t);
        boolean rate = p.name().equals(LEARNING_RATE.name());
        boolean ok = rate ? v >= 0 && Double.isFinite(v) : inRange(p, v);
        if (!ok) {
            throw new IllegalArgumentException(p.name() + " at step " + t + " is " + v + "; it must be "
                    + (rate ? ">= 0 and finite" : p.range().toString()));
        }
        return v;
    }

    private static boolean inRange(Param p, double v) {
        try {
            p.check(v);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
