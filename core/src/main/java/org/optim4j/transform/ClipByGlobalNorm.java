package org.optim4j.transform;

import java.util.List;
import org.optim4j.schedule.Schedule;

/**
 * Clip by global norm (Optax's {@code clip_by_global_norm}): with ‖u‖₂ over the group's whole input,
 * u ← u·(m/‖u‖₂) when ‖u‖₂ &gt; m, else unchanged. PyTorch's {@code clip_grad_norm_} divides by ‖u‖₂ + 10⁻⁶
 * instead; the difference is below float32 resolution for norms much larger than 10⁻⁶.
 *
 * <p>The norm is computed in the same read pass as the optimizer's non-finite check. As the first transform
 * of a chain it folds into any fused kernel as a gradient scale, so clipping costs that one read pass.
 */
public record ClipByGlobalNorm(Schedule maxNorm) implements Transform {
    public static final String ID = "clip_by_global_norm";
    private static final List<String> SCALARS = List.of("factor", "max_norm");

    public ClipByGlobalNorm {
        Params.scheduled(Params.MAX_NORM, maxNorm);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<Binding> hyperParameters() {
        return List.of(new Binding(Params.MAX_NORM, maxNorm));
    }

    @Override
    public List<String> stateNames() {
        return List.of();
    }

    /** [factor, max_norm]: the factor is set from the reduction. */
    @Override
    public List<String> scalarNames() {
        return SCALARS;
    }

    @Override
    public void scalars(long t, double[] out, int at) {
        out[at] = 1;
        out[at + 1] = Params.at(Params.MAX_NORM, maxNorm, t);
    }

    @Override
    public Reduction reduction() {
        return Reduction.SCALE_BY_SUM_OF_SQUARES;
    }

    @Override
    public void reduced(double sumOfSquares, double[] c, int at) {
        double norm = Math.sqrt(sumOfSquares);
        double max = c[at + 1];
        c[at] = norm > max ? max / norm : 1;
    }

    @Override
    public double reference(double u, double theta, StateAccess state, double[] c, int at) {
        return u * c[at];
    }
}
