package org.optim4j.rule;

import java.util.List;
import org.optim4j.schedule.LearningRateSchedule;
import org.optim4j.spi.KernelId;
import org.optim4j.spi.StepScalars;

/**
 * An optimizer update rule of the specification ({@code docs/rules.md}): an immutable value holding
 * validated hyper-parameters. The rule knows its state buffers, its kernel and how to compute the
 * per-step scalars; the arithmetic over elements is the backends' job.
 */
public sealed interface UpdateRule permits Sgd, Momentum, Nesterov, AdaGrad, RmsProp, Adam {

    /** Short lower-case identifier: {@code sgd}, {@code momentum}, {@code nesterov}, {@code adagrad}, {@code rmsprop}, {@code adam}. */
    String id();

    /** α, as a schedule over the step index. */
    LearningRateSchedule learningRate();

    /** The same rule with another learning rate schedule. */
    UpdateRule withLearningRate(LearningRateSchedule schedule);

    /** Names of the state buffers, one buffer of the parameters' length each (memory cost = this many copies). */
    List<String> stateNames();

    /** The kernel that performs the step. */
    KernelId kernel();

    /** Writes the scalars of step {@code t} (0-based) into {@code into} and returns it. */
    StepScalars scalars(long t, StepScalars into);
}
