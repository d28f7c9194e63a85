package org.optim4j.transform;

import java.util.List;
import java.util.Optional;
import org.optim4j.schedule.Schedule;

/**
 * Nesterov's velocity in the reparametrised form (θ̃ = θ + ρ·s held as the parameters, gradient taken at θ̃):
 * s' = ρ·s + u; u ← (1+ρ)·s' − ρ·s; s ← s'. Its {@link #lookahead()} is the spec form: the gradient is taken
 * at θ + ρ·s and the velocity is then a plain {@link Trace}.
 */
public record NesterovTrace(Schedule rho) implements OneParameterTransform {
    public static final String ID = "nesterov_trace";
    private static final List<String> STATE = List.of("s");

    public NesterovTrace {
        Params.scheduled(Params.RHO, rho);
    }

    @Override
    public Param param() {
        return Params.RHO;
    }

    @Override
    public Schedule schedule() {
        return rho;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<String> stateNames() {
        return STATE;
    }

    @Override
    public double reference(double u, double theta, StateAccess state, double[] c, int at) {
        double rho = c[at];
        double sOld = state.get(0);
        double sNew = state.set(0, rho * sOld + u);
        return (1 + rho) * sNew - rho * sOld;
    }

    @Override
    public Optional<Lookahead> lookahead() {
        Trace plain = new Trace(rho);
        return Optional.of(new Lookahead() {
            @Override
            public double point(double theta, StateAccess state, double[] c, int at) {
                return theta + c[at] * state.get(0);
            }

            @Override
            public Transform atPoint() {
                return plain;
            }
        });
    }
}
