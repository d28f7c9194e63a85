package org.optim4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optim4j.rule.Rules;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;
import org.optim4j.schedule.Schedules;

/**
 * An update rule as data that Spark can ship to executors: its registered id and each hyper-parameter's schedule
 * kind and parameters, exactly what a checkpoint stores (so a rule that can be checkpointed can be sent). The
 * executor rebuilds the same rule with {@link Rules#create}.
 */
record RuleSpec(String id, List<Hyper> hyper) implements Serializable {

    record Hyper(String name, String kind, LinkedHashMap<String, Number> parameters) implements Serializable {
    }

    /** @throws IllegalArgumentException naming the rule or schedule that cannot be stored (see Checkpoint) */
    static RuleSpec of(UpdateRule rule) {
        Rules.type(rule.id());
        List<Hyper> h = new ArrayList<>();
        for (Map.Entry<String, Schedule> e : rule.hyperParameters().entrySet()) {
            Schedule.Encodable enc;
            try {
                enc = Schedules.encodable(e.getValue());
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("rule '" + rule.id() + "' hyper-parameter " + e.getKey() + ": "
                        + ex.getMessage(), ex);
            }
            h.add(new Hyper(e.getKey(), enc.kind(), new LinkedHashMap<>(enc.parameters())));
        }
        return new RuleSpec(rule.id(), List.copyOf(h));
    }

    UpdateRule rule() {
        Map<String, Schedule> given = new LinkedHashMap<>();
        for (Hyper h : hyper) {
            given.put(h.name(), Schedules.create(h.kind(), h.parameters()));
        }
        return Rules.create(id, given);
    }
}
