package org.optim4j.spi;

import java.util.ArrayList;
import java.util.List;
import org.optim4j.internal.Check;
import org.optim4j.transform.Transform;

/** What a chain needs from a backend: its scalars' layout and its kernel, fused when the backend has one. */
public final class Chains {
    private Chains() {
    }

    /** Empty scalars with the chain's layout (every transform's scalars, in chain order). */
    public static StepScalars newScalars(List<Transform> chain) {
        List<String> names = new ArrayList<>();
        int[] offsets = new int[chain.size()];
        for (int k = 0; k < chain.size(); k++) {
            offsets[k] = names.size();
            for (String n : chain.get(k).scalarNames()) {
                names.add(chain.get(k).id() + "." + n);
            }
        }
        return new StepScalars(names, offsets);
    }

    /**
     * Writes the scalars of step {@code t} into {@code into}; gradient scale 1.
     *
     * @throws IllegalArgumentException when a scheduled hyper-parameter is out of range at this step
     */
    public static StepScalars compute(List<Transform> chain, long t, StepScalars into) {
        Check.step(t);
        Check.notNull("into", into);
        double[] c = into.values();
        for (int i = 0; i < chain.size(); i++) { // indexed, offsets precomputed: a step allocates nothing
            chain.get(i).scalars(t, c, into.offset(i));
        }
        return into.setStep(t).setGradientScale(1);
    }

    /** The chain's step kernel on {@code backend}: the fused one registered for its key, else the composed one. */
    public static Kernel stepKernel(Backend backend, List<Transform> chain) {
        return backend.kernel(KernelKey.of(chain)).orElseGet(() -> backend.composed(ComposedKernel.of(chain)));
    }

    /** The chain's look-ahead kernel on {@code backend}, fused or composed. */
    public static Kernel lookaheadKernel(Backend backend, List<Transform> chain) {
        return backend.kernel(KernelKey.lookahead(chain))
                .orElseGet(() -> backend.composed(ComposedKernel.lookahead(chain)));
    }

    /** The number of state buffers of the chain. */
    public static int stateCount(List<Transform> chain) {
        int n = 0;
        for (Transform t : chain) {
            n += t.stateNames().size();
        }
        return n;
    }
}
