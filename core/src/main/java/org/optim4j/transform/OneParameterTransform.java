package org.optim4j.transform;

import java.util.List;
import org.optim4j.schedule.Schedule;

/**
 * A transform with one hyper-parameter and one per-step scalar, that parameter's value at step t (checked):
 * momentum's ρ, AdaGrad's ε, the learning rate, weight decay. The record implementing it names the parameter
 * and holds its schedule; the declarations follow from them.
 */
public interface OneParameterTransform extends Transform {

    /** The declared parameter. */
    Param param();

    /** Its value, as a schedule. */
    Schedule schedule();

    @Override
    default List<Binding> hyperParameters() {
        return List.of(new Binding(param(), schedule()));
    }

    @Override
    default List<String> scalarNames() {
        return List.of(param().name());
    }

    @Override
    default void scalars(long t, double[] out, int at) {
        out[at] = Params.at(param(), schedule(), t);
    }
}
