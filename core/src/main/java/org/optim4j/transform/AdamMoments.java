package org.optim4j.transform;

import java.util.List;
import org.optim4j.schedule.Schedule;

/**
 * A transform built on Adam's two moments, with Adam's hyper-parameters (ρ₁, ρ₂, ε) and per-step scalars
 * [ρ₁, ρ₂, ε, bc₁ = 1−ρ₁^(t+1), bc₂ = 1−ρ₂^(t+1)]: Adam itself and its variants that differ only in how the
 * moments make the update (AMSGrad, DL4J's ε convention). The record names its schedules; the declarations follow.
 */
public interface AdamMoments extends Transform {
    /** The scalars' names, in slot order. */
    List<String> SCALARS = List.of("rho1", "rho2", "epsilon", "bc1", "bc2");

    Schedule rho1();

    Schedule rho2();

    Schedule epsilon();

    @Override
    default List<Binding> hyperParameters() {
        return List.of(new Binding(Params.RHO1, rho1()), new Binding(Params.RHO2, rho2()),
                new Binding(Params.EPSILON, epsilon()));
    }

    @Override
    default List<String> scalarNames() {
        return SCALARS;
    }

    @Override
    default void scalars(long t, double[] out, int at) {
        double r1 = Params.at(Params.RHO1, rho1(), t);
        double r2 = Params.at(Params.RHO2, rho2(), t);
        out[at] = r1;
        out[at + 1] = r2;
        out[at + 2] = Params.at(Params.EPSILON, epsilon(), t);
        out[at + 3] = 1 - Math.pow(r1, t + 1);
        out[at + 4] = 1 - Math.pow(r2, t + 1);
    }

    /** Checks the three schedules' constant values (a record's compact constructor calls it). */
    static void check(Schedule rho1, Schedule rho2, Schedule epsilon) {
        Params.scheduled(Params.RHO1, rho1);
        Params.scheduled(Params.RHO2, rho2);
        Params.scheduled(Params.EPSILON, epsilon);
    }
}
