package org.optim4j.checkpoint;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optim4j.rule.AdaGrad;
import org.optim4j.rule.Adam;
import org.optim4j.rule.Momentum;
import org.optim4j.rule.Nesterov;
import org.optim4j.rule.RmsProp;
import org.optim4j.rule.Sgd;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.ConstantRate;
import org.optim4j.schedule.LearningRateSchedule;
import org.optim4j.schedule.LinearDecay;

/**
 * Rules and schedules as named values, the way the checkpoint format stores them: a rule id with its
 * hyper-parameters (float64), a schedule kind with its parameters (float64, or int64 for τ). Decoding
 * goes through the rules' own constructors, so a value out of range is refused as it would be in code.
 */
final class RuleCodec {
    private RuleCodec() {
    }

    /** The named hyper-parameters of {@code rule}, without its schedule, in a fixed order. */
    static Map<String, Number> hyperParameters(UpdateRule rule) {
        Map<String, Number> m = new LinkedHashMap<>();
        if (rule instanceof Sgd) {
            return m;
        } else if (rule instanceof Momentum) {
            m.put("rho", ((Momentum) rule).rho());
        } else if (rule instanceof Nesterov) {
            m.put("rho", ((Nesterov) rule).rho());
        } else if (rule instanceof AdaGrad) {
            m.put("epsilon", ((AdaGrad) rule).epsilon());
        } else if (rule instanceof RmsProp) {
            RmsProp r = (RmsProp) rule;
            m.put("rho2", r.rho2());
            m.put("epsilon", r.epsilon());
        } else if (rule instanceof Adam) {
            Adam a = (Adam) rule;
            m.put("rho1", a.rho1());
            m.put("rho2", a.rho2());
            m.put("epsilon", a.epsilon());
        } else {
            throw new IllegalArgumentException("rule " + rule + " has no checkpoint encoding");
        }
        return m;
    }

    /** The schedule's kind as stored: {@code constant} or {@code linear}. */
    static String scheduleKind(LearningRateSchedule schedule) {
        if (schedule instanceof ConstantRate) {
            return "constant";
        }
        if (schedule instanceof LinearDecay) {
            return "linear";
        }
        throw new IllegalArgumentException("learning rate schedule " + schedule + " (" + schedule.getClass().getName()
                + ") cannot be written to a checkpoint; only constant and linear-decay schedules can");
    }

    static Map<String, Number> scheduleParameters(LearningRateSchedule schedule) {
        Map<String, Number> m = new LinkedHashMap<>();
        if (schedule instanceof ConstantRate) {
            m.put("alpha", ((ConstantRate) schedule).alpha());
        } else if (schedule instanceof LinearDecay) {
            LinearDecay d = (LinearDecay) schedule;
            m.put("alpha0", d.alpha0());
            m.put("alphaTau", d.alphaTau());
            m.put("tau", d.tau());
        } else {
            scheduleKind(schedule);
        }
        return m;
    }

    static LearningRateSchedule schedule(String kind, Map<String, Number> p) {
        switch (kind) {
            case "constant":
                expect("schedule 'constant'", p, List.of("alpha"));
                return new ConstantRate(dbl(p, "alpha"));
            case "linear":
                expect("schedule 'linear'", p, List.of("alpha0", "alphaTau", "tau"));
                return new LinearDecay(dbl(p, "alpha0"), dbl(p, "alphaTau"), lng(p, "tau"));
            default:
                throw new IllegalArgumentException("unknown schedule kind '" + kind + "'");
        }
    }

    static UpdateRule rule(String id, Map<String, Number> p, LearningRateSchedule lr) {
        switch (id) {
            case "sgd":
                expect("rule 'sgd'", p, List.of());
                return new Sgd(lr);
            case "momentum":
                expect("rule 'momentum'", p, List.of("rho"));
                return new Momentum(lr, dbl(p, "rho"));
            case "nesterov":
                expect("rule 'nesterov'", p, List.of("rho"));
                return new Nesterov(lr, dbl(p, "rho"));
            case "adagrad":
                expect("rule 'adagrad'", p, List.of("epsilon"));
                return new AdaGrad(lr, dbl(p, "epsilon"));
            case "rmsprop":
                expect("rule 'rmsprop'", p, List.of("rho2", "epsilon"));
                return new RmsProp(lr, dbl(p, "rho2"), dbl(p, "epsilon"));
            case "adam":
                expect("rule 'adam'", p, List.of("rho1", "rho2", "epsilon"));
                return new Adam(lr, dbl(p, "rho1"), dbl(p, "rho2"), dbl(p, "epsilon"));
            default:
                throw new IllegalArgumentException("unknown rule id '" + id + "'");
        }
    }

    private static void expect(String what, Map<String, Number> p, List<String> names) {
        if (!List.copyOf(p.keySet()).equals(names)) {
            throw new IllegalArgumentException(what + " needs parameters " + names + " but the file has " + p.keySet());
        }
    }

    private static double dbl(Map<String, Number> p, String name) {
        Number n = p.get(name);
        if (!(n instanceof Double)) {
            throw new IllegalArgumentException("parameter '" + name + "' must be a float64, got " + n);
        }
        return (Double) n;
    }

    private static long lng(Map<String, Number> p, String name) {
        Number n = p.get(name);
        if (!(n instanceof Long)) {
            throw new IllegalArgumentException("parameter '" + name + "' must be an int64, got " + n);
        }
        return (Long) n;
    }
}
