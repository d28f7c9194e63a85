package org.optim4j.interop.dl4j;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdaGradUpdater;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.api.ops.impl.updaters.NesterovsUpdater;
import org.nd4j.linalg.api.ops.impl.updaters.RmsPropUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.optim4j.rule.AdaGrad;
import org.optim4j.rule.Adam;
import org.optim4j.rule.Momentum;
import org.optim4j.rule.Nesterov;
import org.optim4j.rule.RmsProp;
import org.optim4j.rule.Sgd;
import org.optim4j.schedule.Schedule;
import org.optim4j.spi.KernelKey;

/**
 * The {@code nd4j} backend's kernels in update form: the same native ops and BLAS calls with the same scalar
 * mapping (see {@code Nd4jKernels}), but where that kernel ends with θ −= update, these leave the update in
 * the gradient view (DL4J then does θ.subi(update)). Keyed by the chain's {@link KernelKey}; c holds the
 * chain's scalars in chain order, g the gradient (rewritten), s the state views.
 */
final class UpdateForms {
    private UpdateForms() {
    }

    /** One chain's update form. */
    @FunctionalInterface
    interface Form {
        void apply(double[] c, INDArray g, INDArray[] s, int iteration);
    }

    private static final Schedule ANY = Schedule.constant(1);

    static final Map<String, Form> FORMS = Map.of(
            // θ −= α·g: update α·g
            KernelKey.of(new Sgd(ANY)).value(), (c, g, s, t) -> g.muli(c[0]),
            // s = ρ·s − α·g; θ += s: update −s
            KernelKey.of(new Momentum(ANY, 0)).value(), (c, g, s, t) -> {
                Nd4j.getBlasWrapper().level1().scal(s[0].length(), c[1], s[0]);
                Nd4j.getBlasWrapper().level1().axpy(s[0].length(), -c[0], g, s[0]);
                s[0].rsub(0.0, g);
            },
            KernelKey.of(new Nesterov(ANY, 0)).value(), (c, g, s, t) -> Nd4j.exec(new NesterovsUpdater(g, s[0], c[0], c[1])),
            KernelKey.of(new AdaGrad(ANY, 1)).value(), (c, g, s, t) -> Nd4j.exec(new AdaGradUpdater(g, s[0], c[1], c[0])),
            KernelKey.of(new RmsProp(ANY, 0, 1)).value(), (c, g, s, t) -> Nd4j.exec(new RmsPropUpdater(g, s[0], c[2], c[0], c[1])),
            // ε' = ε·√(1 − ρ₂^(t+1)) makes the native (DL4J-convention) op the spec's Adam
            KernelKey.of(new Adam(ANY, 0, 0, 1)).value(), (c, g, s, t) ->
                    Nd4j.exec(new AdamUpdater(g, s[1], s[0], c[5], c[0], c[1], c[2] * Math.sqrt(c[4]), t)),
            ScaleByAdamDl4j.ID + "+" + org.optim4j.transform.ScaleByLearningRate.ID, (c, g, s, t) ->
                    Nd4j.exec(new AdamUpdater(g, s[1], s[0], c[5], c[0], c[1], c[2], t)));
}
