package org.optim4j.transform;

import java.util.List;
import org.optim4j.schedule.Schedule;

/**
 * PyTorch's SGD momentum buffer ({@code torch.optim.SGD}, 1.13), α outside the velocity:
 * b ← u at the first step, else b ← ρ·b + (1−dampening)·u; u ← b, or with Nesterov u ← u + ρ·b.
 * With ρ = 0 the buffer is bypassed (u unchanged), as PyTorch does. Scalars: ρ, the coefficient of u this step
 * (1 at the first step or when ρ = 0, else 1 − dampening).
 *
 * @param nesterov PyTorch's {@code nesterov=True} (part of the id: {@code torch_nesterov_trace})
 */
public record TorchTrace(Schedule rho, Schedule dampening, boolean nesterov) implements Transform {
    public static final String ID = "torch_trace";
    public static final String NESTEROV_ID = "torch_nesterov_trace";
    /** PyTorch's {@code dampening}: the weight 1 − dampening of the gradient in the buffer after the first step. */
    public static final Param DAMPENING = new Param("dampening", List.of(), 0, Param.Range.UNIT_INTERVAL,
            "dampening: the buffer adds (1 − dampening)·g after the first step (PyTorch SGD)");
    private static final List<String> STATE = List.of("b");
    private static final List<String> SCALARS = List.of("rho", "coefficient");

    public TorchTrace {
        Params.scheduled(Params.RHO, rho);
        Params.scheduled(DAMPENING, dampening);
    }

    @Override
    public String id() {
        return nesterov ? NESTEROV_ID : ID;
    }

    @Override
    public List<Binding> hyperParameters() {
        // With Nesterov, dampening is 0 by definition and not a hyper-parameter of the rule.
        return nesterov ? List.of(new Binding(Params.RHO, rho))
                : List.of(new Binding(Params.RHO, rho), new Binding(DAMPENING, dampening));
    }

    @Override
    public List<String> stateNames() {
        return STATE;
    }

    @Override
    public List<String> scalarNames() {
        return SCALARS;
    }

    @Override
    public void scalars(long t, double[] out, int at) {
        double r = Params.at(Params.RHO, rho, t);
        double d = Params.at(DAMPENING, dampening, t);
        out[at] = r;
        out[at + 1] = t == 0 || r == 0 ? 1 : 1 - d;
    }

    @Override
    public double reference(double u, double theta, StateAccess state, double[] c, int at) {
        double rho = c[at];
        if (rho == 0) {
            return u;
        }
        double b = state.set(0, rho * state.get(0) + c[at + 1] * u);
        return nesterov ? u + rho * b : b;
    }
}
