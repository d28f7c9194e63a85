package org.optim4j.interop.dl4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.optim4j.backends.nd4j.Nd4jBackend;
import org.optim4j.backends.nd4j.Nd4jBuffer;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.Chains;
import org.optim4j.spi.Kernel;
import org.optim4j.spi.KernelKey;
import org.optim4j.spi.StepScalars;
import org.optim4j.transform.Transform;

/**
 * The per-block updater DL4J runs for an {@link Optim4jUpdater}: the rule's chain on optim4j's {@code nd4j}
 * backend, over the block's gradient and state views (wrapped, never copied).
 *
 * <p>optim4j's kernels compute θ ← θ + u in place, while DL4J wants the update −u written into the gradient view
 * (it then does θ.subi(update)). Two ways, chosen per chain:
 * <ul>
 *   <li><b>update form</b> (every built-in chain but AdamW's, and {@code adam_dl4j}): the {@code nd4j} backend's
 *       kernel for the chain (the same native op or BLAS calls, same scalars; see {@link UpdateForms}) with its
 *       last step θ −= update left out, so the update stays in the gradient view: no copy, no scratch.</li>
 *   <li><b>scratch form</b> (any other chain, e.g. one with a leading clip or a rule of the user's): the chain's kernel (fused when the backend has one, else composed)
 *       runs with a zeroed scratch θ₀ = 0 in place of the parameters, so afterwards θ₀ = 0 + u = u exactly; the
 *       gradient view is then overwritten with 0 − θ₀ = −u (exact). Cost: one scratch array of the block's length
 *       (made once, outside any workspace), one fill and one extra read/write pass per step.</li>
 * </ul>
 * {@code -Doptim4j.dl4j.updateForm=false} (read when DL4J instantiates the updater) forces the scratch form for
 * every chain, to measure the difference.
 */
final class Optim4jGradientUpdater implements GradientUpdater<Optim4jUpdater> {
    private static volatile Backend f32;
    private static volatile Backend f64;

    private final Optim4jUpdater config;
    private final int[] epoch = new int[1];
    private final List<Transform> chain;
    private final List<String> stateNames;
    private final StepScalars scalars;
    private final int leading;
    private final int[] leadAt;
    /** The chain's update form, or null for the scratch form. */
    private final UpdateForms.Form updateForm;
    private INDArray[] state;
    private Buffer[] args;
    private Backend backend;
    private Kernel kernel;
    private INDArray theta;

    Optim4jGradientUpdater(Optim4jUpdater config) {
        this.config = config;
        UpdateRule rule = config.toRule(epoch);
        this.chain = rule.transforms();
        this.stateNames = rule.stateNames();
        this.scalars = Chains.newScalars(chain);
        int lead = 0;
        while (lead < chain.size() && chain.get(lead).reduction() == Transform.Reduction.SCALE_BY_SUM_OF_SQUARES) {
            lead++;
        }
        this.leading = lead;
        this.leadAt = new int[lead];
        for (int i = 1; i < lead; i++) {
            leadAt[i] = leadAt[i - 1] + chain.get(i - 1).scalarNames().size();
        }
        String key = KernelKey.of(chain).value();
        boolean updateFormAllowed = !"false".equals(System.getProperty("optim4j.dl4j.updateForm"));
        this.updateForm = updateFormAllowed ? UpdateForms.FORMS.get(key) : null;
        if (stateNames.isEmpty()) {
            state = new INDArray[0];
        }
    }

    /** True when this chain runs in update form (no scratch). */
    boolean inUpdateForm() {
        return updateForm != null;
    }

    @Override
    public Optim4jUpdater getConfig() {
        return config;
    }

    @Override
    public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
        int k = stateNames.size();
        if (k == 0) {
            state = new INDArray[0];
            return;
        }
        if (initialize) {
            viewArray.assign(0);
        }
        INDArray flat = Nd4jBuffer.wrap(viewArray).array();
        long n = flat.length() / k;
        if (n * k != flat.length()) {
            throw new IllegalArgumentException("state view of length " + flat.length() + " is not " + k + "·n for rule '"
                    + config.rule() + "'");
        }
        state = new INDArray[k];
        for (int i = 0; i < k; i++) {
            state[i] = flat.get(NDArrayIndex.interval(i * n, (i + 1) * n));
        }
        args = null;
    }

    @Override
    public Map<String, INDArray> getState() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (int i = 0; i < stateNames.size(); i++) {
            m.put(stateNames.get(i), state[i]);
        }
        return m;
    }

    @Override
    public void setState(Map<String, INDArray> stateMap, boolean initialize) {
        state = new INDArray[stateNames.size()];
        for (int i = 0; i < state.length; i++) {
            INDArray s = stateMap.get(stateNames.get(i));
            if (s == null) {
                throw new IllegalArgumentException("state of rule '" + config.rule() + "' needs '" + stateNames.get(i)
                        + "'; given " + stateMap.keySet());
            }
            if (initialize) {
                s.assign(0);
            }
            state[i] = Nd4jBuffer.wrap(s).array();
        }
        args = null;
    }

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
        if (state == null) {
            throw new IllegalStateException("updater has not been initialised with a state view");
        }
        this.epoch[0] = epoch;
        Chains.compute(chain, iteration, scalars);
        Nd4jBuffer g = Nd4jBuffer.wrap(gradient);
        INDArray gv = g.array();
        if (updateForm != null) {
            updateForm.apply(scalars.values(), gv, state, iteration);
            return;
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            prepare(gv);
            if (leading > 0) {
                double sum = backend.sumOfSquares(g, 0, g.length());
                double[] c = scalars.values();
                double scale = 1;
                for (int i = 0; i < leading; i++) {
                    chain.get(i).reduced(sum * scale * scale, c, leadAt[i]);
                    scale *= c[leadAt[i]];
                }
            }
            theta.assign(0);
            args[1] = g;
            kernel.apply(scalars, args, 0, g.length());
            args[1] = null;
            theta.rsub(0.0, gv);
        }
    }

    /** The backend, kernel, scratch θ and argument array, made at the first step (outside workspaces). */
    private void prepare(INDArray gradient) {
        if (args != null && theta.length() == gradient.length() && theta.dataType() == gradient.dataType()) {
            return;
        }
        backend = backend(gradient.dataType());
        kernel = Chains.stepKernel(backend, chain);
        theta = Nd4j.zeros(gradient.dataType(), gradient.length());
        args = new Buffer[2 + state.length];
        args[0] = Nd4jBuffer.wrap(theta);
        for (int i = 0; i < state.length; i++) {
            args[2 + i] = Nd4jBuffer.wrap(state[i]);
        }
    }

    private static Backend backend(DataType type) {
        if (type == DataType.DOUBLE) {
            if (f64 == null) {
                f64 = new Nd4jBackend(Buffer.Precision.FLOAT64);
            }
            return f64;
        }
        if (type != DataType.FLOAT) {
            throw new IllegalArgumentException("optim4j updates FLOAT or DOUBLE parameters, got " + type);
        }
        if (f32 == null) {
            f32 = new Nd4jBackend(Buffer.Precision.FLOAT32);
        }
        return f32;
    }
}
