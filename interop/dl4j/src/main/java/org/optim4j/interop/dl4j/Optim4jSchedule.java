package org.optim4j.interop.dl4j;

import java.util.Objects;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.optim4j.schedule.Schedule;

/**
 * An optim4j schedule ({@code linear:α0,ατ,τ}, or any registered kind, in the text form of
 * {@link Schedule#parse(String)}) as a DL4J {@link ISchedule}: its value at a DL4J iteration t is the optim4j
 * schedule's value at step t (optim4j's steps and DL4J's iterations both count from 0; the epoch is not used).
 * Serialises to JSON as its text. The {@link Optim4jUpdater} runs it as the optim4j schedule itself.
 */
public final class Optim4jSchedule implements ISchedule {
    private static final long serialVersionUID = 1L;

    @JsonProperty("schedule")
    private final String schedule;
    private transient Schedule parsed;

    /** @param schedule an optim4j schedule text, e.g. {@code linear:0.01,0.001,1000} */
    @JsonCreator
    public Optim4jSchedule(@JsonProperty("schedule") String schedule) {
        this.parsed = Schedule.parse(schedule);
        this.schedule = schedule.trim();
    }

    /** The schedule text. */
    public String text() {
        return schedule;
    }

    /** The optim4j schedule. */
    public Schedule schedule() {
        if (parsed == null) {
            parsed = Schedule.parse(schedule);
        }
        return parsed;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        return schedule().value(iteration);
    }

    @Override
    public ISchedule clone() {
        return new Optim4jSchedule(schedule);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Optim4jSchedule s && s.schedule.equals(schedule);
    }

    @Override
    public int hashCode() {
        return Objects.hash(schedule);
    }

    @Override
    public String toString() {
        return "Optim4jSchedule(" + schedule + ")";
    }
}
