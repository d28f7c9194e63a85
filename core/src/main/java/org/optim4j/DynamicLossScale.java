package org.optim4j;

import java.util.LinkedHashMap;
import java.util.Map;
import org.optim4j.quant.Fp16;
import org.optim4j.quant.Fp16Buffer;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.FloatArrayBuffer;

/**
 * Float16 training with a dynamic loss scale, as PyTorch's {@code torch.cuda.amp.GradScaler}: the caller
 * back-propagates loss·{@link #scale()} in float16, and {@link #step} unscales the gradient in float32 (×(1/scale),
 * the reciprocal rounded to float32 as PyTorch does), skips the step if any element overflowed (scale ×
 * backoff, 0.5 by default), else steps the optimizer (with {@code Optimizer.stepMixed}, so the float16 or bf16 copy
 * of the parameters is written in the same pass) and, after {@code growthInterval} (2000) good steps in a row,
 * multiplies the scale by the growth factor (2). Defaults are GradScaler's: initial scale 2^16.
 *
 * <p>The unscaling is one pass into a float32 scratch buffer before the step (not fused into the kernel). The
 * scaler's state (scale, good steps in a row, skipped steps) goes into a checkpoint's metadata: {@link #state()},
 * {@link #restore(Map)}.
 */
public final class DynamicLossScale {
    static final String SCALE = "loss_scale.scale";
    static final String GOOD = "loss_scale.good_steps";
    static final String SKIPPED = "loss_scale.skipped_steps";

    private final double growthFactor;
    private final double backoffFactor;
    private final int growthInterval;
    private float scale;
    private int goodSteps;
    private long skippedSteps;
    private FloatArrayBuffer unscaled;

    /** GradScaler's defaults: scale 65536, growth 2, backoff 0.5, interval 2000. */
    public DynamicLossScale() {
        this(65536, 2, 0.5, 2000);
    }

    /**
     * @throws IllegalArgumentException naming the parameter and value: initScale and growthFactor must be finite
     *                                  and &gt; 0 (growth &gt; 1), backoffFactor in (0, 1), growthInterval ≥ 1
     */
    public DynamicLossScale(double initScale, double growthFactor, double backoffFactor, int growthInterval) {
        if (!(initScale > 0) || Double.isInfinite(initScale) || (float) initScale == 0 || Float.isInfinite((float) initScale)) {
            throw new IllegalArgumentException("initScale must be a positive finite float, got " + initScale);
        }
        if (!(growthFactor > 1) || Double.isInfinite(growthFactor)) {
            throw new IllegalArgumentException("growthFactor must be > 1 and finite, got " + growthFactor);
        }
        if (!(backoffFactor > 0 && backoffFactor < 1)) {
            throw new IllegalArgumentException("backoffFactor must be in (0, 1), got " + backoffFactor);
        }
        if (growthInterval < 1) {
            throw new IllegalArgumentException("growthInterval must be >= 1, got " + growthInterval);
        }
        this.scale = (float) initScale;
        this.growthFactor = growthFactor;
        this.backoffFactor = backoffFactor;
        this.growthInterval = growthInterval;
    }

    /** The factor the loss is multiplied by before back-propagation. */
    public float scale() {
        return scale;
    }

    /** Steps skipped so far because the scaled gradient overflowed. */
    public long skippedSteps() {
        return skippedSteps;
    }

    /**
     * One step from a gradient of loss·{@link #scale()} in float16: unscale, skip on overflow, else
     * {@code optimizer.stepMixed(master, unscaled, copy)}; then update the scale.
     *
     * @param copy a bf16 or float16 copy of the parameters written in the same pass, or null
     * @return true if the optimizer stepped
     */
    public boolean step(Optimizer optimizer, Buffer master, Fp16Buffer scaledGradient, Buffer copy) {
        if (scaledGradient == null || optimizer == null) {
            throw new IllegalArgumentException("optimizer and scaledGradient must not be null");
        }
        int n = scaledGradient.length();
        if (n != optimizer.parameterCount()) {
            throw new IllegalArgumentException("scaledGradient has length " + n + " but the optimizer updates "
                    + optimizer.parameterCount() + " parameters");
        }
        if (unscaled == null || unscaled.length() != n) {
            unscaled = FloatArrayBuffer.zeros(n);
        }
        float inv = (float) (1.0 / scale);
        char[] h = scaledGradient.array();
        float[] g = unscaled.array();
        boolean finite = true;
        for (int i = 0; i < n; i++) {
            float x = Fp16.decode(h[i]) * inv;
            g[i] = x;
            finite &= Float.isFinite(x);
        }
        if (!finite) {
            scale = (float) (scale * backoffFactor);
            goodSteps = 0;
            skippedSteps++;
            return false;
        }
        boolean stepped = optimizer.stepMixed(master, unscaled, copy);
        if (++goodSteps == growthInterval) {
            scale = (float) (scale * growthFactor);
            goodSteps = 0;
        }
        return stepped;
    }

    /** The scaler's state, for a checkpoint's metadata. */
    public Map<String, String> state() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(SCALE, Integer.toHexString(Float.floatToRawIntBits(scale)));
        m.put(GOOD, Integer.toString(goodSteps));
        m.put(SKIPPED, Long.toString(skippedSteps));
        return m;
    }

    /**
     * Puts back a state written by {@link #state()} (other keys are ignored).
     *
     * @throws IllegalArgumentException if a key is missing or a value malformed; nothing is changed then
     */
    public void restore(Map<String, String> metadata) {
        try {
            float s = Float.intBitsToFloat(Integer.parseUnsignedInt(require(metadata, SCALE), 16));
            int good = Integer.parseInt(require(metadata, GOOD));
            long skipped = Long.parseLong(require(metadata, SKIPPED));
            if (!(s > 0) || Float.isInfinite(s) || good < 0 || good >= growthInterval || skipped < 0) {
                throw new IllegalArgumentException("loss scale state out of range: scale " + s + ", good steps "
                        + good + ", skipped " + skipped);
            }
            scale = s;
            goodSteps = good;
            skippedSteps = skipped;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed loss scale state " + metadata, e);
        }
    }

    private static String require(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no '" + key + "' in the checkpoint metadata");
        }
        return v;
    }
}
