package org.optim4j.transform;

import java.util.List;

/**
 * Optax's {@code scale_by_trust_ratio()} with its defaults (min_norm = 0, trust_coefficient = 1, eps = 0), the
 * layer-wise step of LAMB (You et al. 2020): per tensor, u ← u·‖θ‖₂/‖u‖₂, and u unchanged when either norm is 0
 * (the parameters would otherwise never move). The norms are over the tensor's elements, u being this
 * transform's input; the optimizer computes them ({@link Reduction#PER_TENSOR_NORMS}) before anything is written.
 * Scalar: the tensor's trust ratio.
 */
public record ScaleByTrustRatio() implements Transform {
    public static final String ID = "scale_by_trust_ratio";
    private static final List<String> SCALARS = List.of("trust_ratio");

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<Binding> hyperParameters() {
        return List.of();
    }

    @Override
    public List<String> stateNames() {
        return List.of();
    }

    @Override
    public List<String> scalarNames() {
        return SCALARS;
    }

    /** 1 until the reduction sets the tensor's ratio. */
    @Override
    public void scalars(long t, double[] out, int at) {
        out[at] = 1;
    }

    @Override
    public Reduction reduction() {
        return Reduction.PER_TENSOR_NORMS;
    }

    /** Optax: trust_ratio = param_norm / update_norm; 1 where either norm is 0. */
    @Override
    public void reducedPerTensor(double updateSumOfSquares, double parameterSumOfSquares, double[] c, int at) {
        double paramNorm = Math.sqrt(parameterSumOfSquares);
        double updateNorm = Math.sqrt(updateSumOfSquares);
        double trustRatio = paramNorm / updateNorm;
        c[at] = paramNorm == 0 || updateNorm == 0 ? 1 : trustRatio;
    }

    @Override
    public double reference(double u, double theta, StateAccess state, double[] c, int at) {
        return u * c[at];
    }
}
