package org.optim4j.interop.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.optimizer.Optimizer;
import java.lang.reflect.Method;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.optim4j.backend.Backends;
import org.optim4j.rule.Rules;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.Chains;
import org.optim4j.spi.FloatArrayBuffer;
import org.optim4j.spi.Kernel;
import org.optim4j.spi.StepScalars;
import org.optim4j.transform.Transform;

/**
 * Any registered optim4j rule as a DJL {@link Optimizer}.
 *
 * <pre>{@code
 * Optimizer adam = Optim4jDjlOptimizer.builder("adam").hyperParameters("lr=1e-3").build();
 * new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(adam);
 * }</pre>
 *
 * <p>{@link #update} does what DJL's own optimizers do around the rule: the gradient is multiplied by
 * rescaleGrad, clipped element-wise to [−clipGrad, clipGrad] when clipGrad &gt; 0, and DJL's weight decay λ
 * adds λ·w (L2, as DJL's Sgd and Adam); then the rule's chain runs on optim4j's heap backend ({@code simd}
 * when available, else {@code scalar}) over float32 copies of the weight and the gradient, its state kept
 * here per parameter id; the new weight is written back in place, and on the PyTorch engine the gradient
 * is zeroed (DJL's optimizers do that in their native update). Each parameter has its own step counter t,
 * from 0. The weight is read, so a rule that reads θ (AdamW) works here.
 */
public final class Optim4jDjlOptimizer extends Optimizer {
    private final String rule;
    private final String hyperParameters;
    private final List<Transform> chain;
    private final int stateCount;
    private final int leading;
    private final Backend backend;
    private final Kernel kernel;
    private final StepScalars scalars;
    private final Map<String, float[][]> state = new HashMap<>();
    private final Map<String, long[]> steps = new HashMap<>();
    private static volatile Method zeroGrad;
    private static volatile boolean zeroGradLooked;

    private Optim4jDjlOptimizer(Builder b) {
        super(b);
        this.rule = b.rule;
        this.hyperParameters = b.hyperParameters;
        UpdateRule r = Rules.create(rule, Rules.parse(rule, hyperParameters));
        this.chain = r.transforms();
        for (Transform t : chain) {
            if (t.reduction() == Transform.Reduction.PER_TENSOR_NORMS) {
                throw new IllegalArgumentException("rule '" + rule + "' needs per-tensor norms ('" + t.id() + "'), which "
                        + "the DJL adapter does not compute; train it with optim4j's Optimizer and a ParameterSet layout");
            }
        }
        this.stateCount = r.stateNames().size();
        int lead = 0;
        while (lead < chain.size() && chain.get(lead).reduction() == Transform.Reduction.SCALE_BY_SUM_OF_SQUARES) {
            lead++;
        }
        this.leading = lead;
        Backend simd = Backends.all().stream().filter(x -> x.name().equals("simd") && x.availability().available())
                .findFirst().orElse(null);
        this.backend = simd != null ? simd : Backends.byName("scalar");
        this.kernel = Chains.stepKernel(backend, chain);
        this.scalars = Chains.newScalars(chain);
    }

    /** A builder for rule {@code rule} (sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, …). */
    public static Builder builder(String rule) {
        return new Builder(rule);
    }

    /** The rule id. */
    public String rule() {
        return rule;
    }

    /** The optim4j backend running the element-wise work. */
    public String backendName() {
        return backend.name();
    }

    @Override
    public synchronized void update(String parameterId, NDArray weight, NDArray grad) {
        if (weight.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("optim4j's DJL optimizer updates FLOAT32 weights, got "
                    + weight.getDataType() + " for " + parameterId);
        }
        float[] w = weight.toFloatArray();
        float[] g = grad.toFloatArray();
        int n = w.length;
        float[][] s = state.computeIfAbsent(parameterId, k -> new float[stateCount][n]);
        long[] t = steps.computeIfAbsent(parameterId, k -> new long[1]);
        float wd = getWeightDecay();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float x = g[i] * rescaleGrad;
            if (clipGrad > 0) {
                x = Math.max(-clipGrad, Math.min(clipGrad, x));
            }
            x += wd * w[i];
            g[i] = x;
            sum += (double) x * x;
        }
        Chains.compute(chain, t[0], scalars);
        if (leading > 0) { // per parameter tensor: DJL hands the optimizer one tensor at a time
            double[] c = scalars.values();
            double scale = 1;
            int at = 0;
            for (int l = 0; l < leading; l++) {
                chain.get(l).reduced(sum * scale * scale, c, at);
                scale *= c[at];
                at += chain.get(l).scalarNames().size();
            }
        }
        Buffer[] args = new Buffer[2 + stateCount];
        args[0] = FloatArrayBuffer.wrap(w);
        args[1] = FloatArrayBuffer.wrap(g);
        for (int k = 0; k < stateCount; k++) {
            args[2 + k] = FloatArrayBuffer.wrap(s[k]);
        }
        kernel.apply(scalars, args, 0, n);
        t[0]++;
        weight.set(FloatBuffer.wrap(w));
        zeroGradient(weight, grad);
    }

    /** On PyTorch the optimizer zeroes the gradient (as DJL's own do, in their native update). */
    private static void zeroGradient(NDArray weight, NDArray grad) {
        if (!"PyTorch".equals(weight.getManager().getEngine().getEngineName())) {
            return;
        }
        if (!zeroGradLooked) {
            try {
                Class<?> pt = Class.forName("ai.djl.pytorch.engine.PtNDArray");
                zeroGrad = Class.forName("ai.djl.pytorch.jni.JniUtils").getMethod("zeroGrad", pt);
            } catch (ReflectiveOperationException e) {
                zeroGrad = null;
            }
            zeroGradLooked = true;
        }
        try {
            if (zeroGrad != null) {
                zeroGrad.invoke(null, weight);
                return;
            }
        } catch (ReflectiveOperationException e) {
            // fall through
        }
        grad.set(FloatBuffer.wrap(new float[(int) grad.size()]));
    }

    @Override
    public String toString() {
        return "Optim4jDjlOptimizer(" + rule + (hyperParameters.isEmpty() ? "" : ", " + hyperParameters) + ")";
    }

    /** Configures an {@link Optim4jDjlOptimizer}: the rule, its hyper-parameters, and DJL's common options. */
    public static final class Builder extends OptimizerBuilder<Builder> {
        private final String rule;
        private String hyperParameters = "";

        private Builder(String rule) {
            this.rule = rule;
        }

        /** Hyper-parameters as {@code key=value,…} (optim4j schedules allowed), e.g. {@code lr=1e-3,beta2=0.99}. */
        public Builder hyperParameters(String text) {
            this.hyperParameters = text == null ? "" : text;
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** @throws IllegalArgumentException for an unknown rule or a bad hyper-parameter */
        public Optim4jDjlOptimizer build() {
            return new Optim4jDjlOptimizer(this);
        }
    }
}
