package org.optim4j.transform;

import java.util.List;
import org.optim4j.schedule.Schedule;

/**
 * Clip by value (PyTorch's {@code torch.nn.utils.clip_grad_value_}, Optax's {@code clip}): u ← min(max(u, −c), c)
 * element by element. Usually the first transform of a chain ({@link org.optim4j.rule.Transforms#prepend}), so that it clips the
 * gradient; anywhere else it clips that transform's input.
 */
public record ClipByValue(Schedule clipValue) implements Transform {
    public static final String ID = "clip_by_value";
    /** c, the largest |u| let through. */
    public static final Param CLIP_VALUE = new Param("clip_value", List.of("clip"), 1.0, Param.Range.POSITIVE,
            "largest |g| let through, element by element");
    private static final List<String> SCALARS = List.of("clip_value");

    public ClipByValue {
        Params.scheduled(CLIP_VALUE, clipValue);
    }

    /** Clip at a constant c &gt; 0. */
    public static ClipByValue of(double c) {
        return new ClipByValue(Params.fixed(CLIP_VALUE, c));
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<Binding> hyperParameters() {
        return List.of(new Binding(CLIP_VALUE, clipValue));
    }

    @Override
    public List<String> stateNames() {
        return List.of();
    }

    @Override
    public List<String> scalarNames() {
        return SCALARS;
    }

    @Override
    public void scalars(long t, double[] out, int at) {
        out[at] = Params.at(CLIP_VALUE, clipValue, t);
    }

    @Override
    public double reference(double u, double theta, StateAccess state, double[] c, int at) {
        double m = c[at];
        return u > m ? m : u < -m ? -m : u;
    }
}
