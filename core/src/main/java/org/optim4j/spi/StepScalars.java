package org.optim4j.spi;

import java.util.List;

/**
 * The per-step scalars of one chain, computed once per step on the host (by the transforms, in chain order) so
 * that a kernel does element-wise arithmetic only, plus the step index and a gradient scale.
 *
 * <p>The gradient scale is 1 unless the chain starts with a rescaling transform that needs a reduction
 * (clip by global norm), which the optimizer then folds in here: every kernel reads g·{@link #gradientScale()}.
 *
 * <p>Mutable and reused by its optimizer: a step allocates nothing. A kernel must read it during the call and
 * not keep it.
 */
public final class StepScalars {
    private final List<String> names;
    private final double[] values;
    /** Where each transform's scalars start, in chain order (so a step computes them without a lookup). */
    private final int[] offsets;
    private long step;
    private double gradientScale = 1;

    /** Scalars with these names (for messages), all 0, one block per transform starting at {@code offsets}. */
    public StepScalars(List<String> names, int[] offsets) {
        this.names = List.copyOf(names);
        this.values = new double[names.size()];
        this.offsets = offsets.clone();
    }

    /** Where transform {@code k} of the chain writes its scalars. */
    public int offset(int k) {
        return offsets[k];
    }

    /** t, the 0-based index of this step. */
    public long step() {
        return step;
    }

    /** Scalar {@code i} of the chain. */
    public double get(int i) {
        return values[i];
    }

    /** The factor every kernel applies to g (1 unless a leading clip folded into it). */
    public double gradientScale() {
        return gradientScale;
    }

    /** The live array the transforms write into. */
    public double[] values() {
        return values;
    }

    public List<String> names() {
        return names;
    }

    public StepScalars setStep(long step) {
        this.step = step;
        return this;
    }

    public StepScalars setGradientScale(double scale) {
        this.gradientScale = scale;
        return this;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("StepScalars[t=").append(step).append(", gradientScale=").append(gradientScale);
        for (int i = 0; i < values.length; i++) {
            b.append(", ").append(names.get(i)).append('=').append(values[i]);
        }
        return b.append(']').toString();
    }
}
