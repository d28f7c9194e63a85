package org.optim4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.optim4j.backend.Backends;
import org.optim4j.checkpoint.BufferData;
import org.optim4j.checkpoint.Checkpoint;
import org.optim4j.rule.Check;
import org.optim4j.rule.Nesterov;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.FloatArrayBuffer;
import org.optim4j.spi.Kernel;
import org.optim4j.spi.KernelId;
import org.optim4j.spi.StepScalars;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One update rule applied to one flat parameter buffer on one backend: the step that training code
 * calls. It owns the rule's state (see {@link #state()}), checks every argument before it modifies
 * anything, computes the per-step scalars once, and hands the element-wise work to the backend's kernel.
 *
 * <p>Many tensors are updated together by laying them out in one flat buffer ({@link ParameterSet}).
 *
 * <pre>{@code
 * Optimizer adam = Optimizer.create(Adam.defaults(), n);   // backend chosen for Adam at this size
 * adam.step(params, grads);            // float[] on a heap backend, or Buffers of adam.backend()
 *
 * Optimizer tolerant = Optimizer.builder(Adam.defaults()).backend(backend).parameterCount(n)
 *         .nonFinitePolicy(NonFinitePolicy.SKIP_STEP).build();
 * }</pre>
 *
 * <h2>Failures lose nothing</h2>
 * Every public method validates all of its arguments (null, length, backend, aliasing, a closed
 * optimizer, the non-finite policy) before it writes anything. A call that throws leaves the
 * parameters, the state buffers, the step counter and the skip counter exactly as they were. The one
 * exception is a backend kernel failing half-way through (an out-of-memory error in native code, say):
 * the element-wise update is done in place, so such a failure may leave a partial update.
 *
 * <h2>Non-finite gradients</h2>
 * Chosen when the optimizer is built ({@link NonFinitePolicy}; {@code FAIL} by default). The check
 * is one read pass over the gradient through {@link Backend#firstNonFinite(Buffer, int, int)}.
 * Its cost, from the JMH suite ({@code NonFiniteCheckBenchmark} next to {@code StepBenchmark}, same run,
 * 2-core shared machine, JDK 17, 2026-11-28; {@code java -jar benchmarks/target/optim4j-benchmarks.jar
 * "NonFiniteCheckBenchmark|StepBenchmark" -p rule=adam -p backend=simd,nd4j -p size=65536,16777216
 * -wi 2 -i 3 -w 1s -r 1s -f 1}): at 16,777,216 float32 parameters the scan takes ≈ 3.0 ms on heap
 * arrays against ≈ 3.9 ms for a {@code simd} Adam step, and ≈ 6.8 ms on {@code nd4j} storage; at 65,536
 * (in cache) ≈ 19 µs against ≈ 8 µs for the Adam step. The scan is a scalar loop that C2 does not
 * vectorise, so on the fast backends it costs about as much as the step itself, not "a few percent";
 * {@link NonFinitePolicy#UNCHECKED} saves it.
 *
 * <h2>Checkpoints</h2>
 * {@code Checkpoint.capture(optimizer, parameters).write(file)} saves everything the next step reads (rule,
 * hyper-parameters, schedule, step and skip counters, state buffers) and the parameters, atomically;
 * {@link #restore(Checkpoint, Buffer)} puts it back into an optimizer built from
 * {@link Checkpoint#rule()}, on any backend, in any process. The steps after a restore are bit-identical
 * to the steps the checkpointed optimizer would have taken ({@code docs/checkpoint-format.md}).
 *
 * <h2>Threads</h2>
 * An optimizer instance is not thread-safe: one thread at a time may call its methods (step,
 * restore, checkpoint capture, close), and the caller must not modify the buffers it passed while a
 * call runs. Distinct optimizers may be used by distinct threads at the same time, also on one shared
 * backend instance: backends are stateless between calls or synchronise their own resources.
 * Rules and schedules are immutable values and may be shared freely.
 *
 * <h2>Lifecycle</h2>
 * {@link #close()} drops the optimizer's scratch buffers; afterwards step, restore and
 * {@link #newBuffer()} throw {@link IllegalStateException}. The state stays readable (a last checkpoint
 * can still be captured). Closing does not close the backend, which is shared.
 */
public final class Optimizer implements AutoCloseable {
    /** Default of {@link Builder#skipLogInterval(int)}. */
    public static final int DEFAULT_SKIP_LOG_INTERVAL = 1000;

    private static final Logger log = LoggerFactory.getLogger(Optimizer.class);

    private final UpdateRule rule;
    private final Backend backend;
    private final int parameterCount;
    private final OptimizerState state;
    private final Kernel kernel;
    private final NonFinitePolicy nonFinitePolicy;
    private final int skipLogInterval;
    private final StepScalars scalars = new StepScalars();
    /** θ, g, then the state buffers, in the order of the rule's kernel. Reused every step. */
    private final Buffer[] kernelArgs;

    // Nesterov's spec form only: look-ahead kernel, momentum kernel, and two scratch buffers made on first use.
    private final Kernel lookahead;
    private final Kernel momentum;
    private Buffer gradientScratch;
    private Buffer[] lookaheadArgs;
    private boolean closed;

    private Optimizer(Builder b) {
        this.rule = Check.notNull("rule", b.rule);
        if (b.parameterCount < 0) {
            throw new IllegalArgumentException("parameterCount must be >= 0, got " + b.parameterCount);
        }
        this.backend = b.backend != null ? b.backend : Backends.select(rule, b.parameterCount);
        if (!backend.availability().available()) {
            throw new IllegalArgumentException("backend '" + backend.name() + "' is not available: "
                    + backend.availability().reason());
        }
        this.parameterCount = b.parameterCount;
        this.nonFinitePolicy = b.nonFinitePolicy;
        this.skipLogInterval = b.skipLogInterval;
        this.kernel = requireKernel(backend, rule.kernel());
        boolean nesterov = rule instanceof Nesterov;
        this.lookahead = nesterov ? requireKernel(backend, KernelId.NESTEROV_LOOKAHEAD) : null;
        this.momentum = nesterov ? requireKernel(backend, KernelId.MOMENTUM) : null;
        List<Buffer> buffers = new ArrayList<>();
        for (int i = 0; i < rule.stateNames().size(); i++) {
            buffers.add(backend.allocate(parameterCount));
        }
        this.state = new OptimizerState(rule.stateNames(), buffers);
        this.kernelArgs = new Buffer[2 + buffers.size()];
        for (int i = 0; i < buffers.size(); i++) {
            kernelArgs[2 + i] = buffers.get(i);
        }
    }

    private static Kernel requireKernel(Backend backend, KernelId id) {
        return backend.kernel(id).orElseThrow(() -> new IllegalArgumentException(
                "backend '" + backend.name() + "' has no kernel for " + id));
    }

    /** A builder for an optimizer running {@code rule}; set at least {@link Builder#parameterCount(int)}. */
    public static Builder builder(UpdateRule rule) {
        return new Builder(Check.notNull("rule", rule));
    }

    /** An optimizer for {@code parameterCount} parameters, its state zeroed, step counter 0, policy {@code FAIL}. */
    public static Optimizer create(UpdateRule rule, Backend backend, int parameterCount) {
        Check.notNull("backend", backend);
        return builder(rule).backend(backend).parameterCount(parameterCount).build();
    }

    /** As {@link #create(UpdateRule, Backend, int)} on the backend {@link Backends#select(UpdateRule, int)} picks for this rule and size. */
    public static Optimizer create(UpdateRule rule, int parameterCount) {
        return builder(rule).parameterCount(parameterCount).build();
    }

    public UpdateRule rule() {
        return rule;
    }

    public Backend backend() {
        return backend;
    }

    public int parameterCount() {
        return parameterCount;
    }

    public NonFinitePolicy nonFinitePolicy() {
        return nonFinitePolicy;
    }

    /** The step counter and state buffers (live). */
    public OptimizerState state() {
        return state;
    }

    /** Steps skipped so far because of a non-finite gradient (policy {@link NonFinitePolicy#SKIP_STEP}). */
    public long skippedSteps() {
        return state.skippedSteps();
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** A new zeroed buffer of this optimizer's length on its backend (for parameters or gradients). */
    public Buffer newBuffer() {
        ensureOpen();
        return backend.allocate(parameterCount);
    }

    /**
     * One step with the gradient {@code gradient} taken at {@code parameters}. For {@link Nesterov} this
     * is the reparametrised form: {@code parameters} hold θ̃ = θ + ρ·s.
     *
     * @return true if the step was taken, false if it was skipped ({@link NonFinitePolicy#SKIP_STEP})
     * @throws IllegalArgumentException   if a buffer is null, of another length, of another backend, or
     *                                    the same buffer as another argument or a state buffer
     * @throws IllegalStateException      if this optimizer is closed
     * @throws NonFiniteGradientException if the gradient holds NaN or ±Infinity under policy {@code FAIL}
     *                                    (named {@code "gradient"})
     */
    public boolean step(Buffer parameters, Buffer gradient) {
        ensureOpen();
        checkBuffer("parameters", parameters);
        checkBuffer("gradient", gradient);
        checkDistinct(parameters, gradient);
        return checkedStep(parameters, gradient, null);
    }

    /**
     * {@link #step(Buffer, Buffer)} over the flat buffers of two sets of one layout; a non-finite gradient
     * is reported with the name of its tensor and the index inside it.
     *
     * @throws IllegalArgumentException if the sets' layouts differ (the first difference is named)
     */
    public boolean step(ParameterSet parameters, ParameterSet gradients) {
        ensureOpen();
        Check.notNull("parameters", parameters);
        Check.notNull("gradients", gradients);
        checkSameLayout(parameters, gradients);
        checkBuffer("parameters", parameters.flat());
        checkBuffer("gradient", gradients.flat());
        checkDistinct(parameters.flat(), gradients.flat());
        return checkedStep(parameters.flat(), gradients.flat(), gradients);
    }

    /** {@link #step(Buffer, Buffer)} over heap arrays; the backend must store buffers as {@code float[]}. */
    public boolean step(float[] parameters, float[] gradient) {
        ensureOpen();
        Check.notNull("parameters", parameters);
        Check.notNull("gradient", gradient);
        if (parameters == gradient) {
            throw new IllegalArgumentException("parameters and gradient are the same array; they must be distinct");
        }
        return step(FloatArrayBuffer.wrap(parameters), FloatArrayBuffer.wrap(gradient));
    }

    /**
     * One step that evaluates the gradient itself. For {@link Nesterov} this is the spec form: the
     * gradient is taken at θ + ρ·s (computed into a scratch buffer), then {@code s = ρ·s − α·g; θ = θ + s}.
     * For every other rule the gradient is taken at {@code parameters}. The gradient function writes into
     * a scratch buffer, so if it throws, nothing is modified; it must not modify the point it is given.
     *
     * @return true if the step was taken, false if it was skipped ({@link NonFinitePolicy#SKIP_STEP})
     * @throws IllegalArgumentException   if {@code parameters} is null, of another length or backend, or a
     *                                    state buffer, or {@code gradientFunction} is null
     * @throws IllegalStateException      if this optimizer is closed
     * @throws NonFiniteGradientException if the computed gradient holds NaN or ±Infinity under policy
     *                                    {@code FAIL}; an exception of the gradient function propagates as is
     */
    public boolean step(Buffer parameters, GradientFunction gradientFunction) {
        ensureOpen();
        checkBuffer("parameters", parameters);
        Check.notNull("gradientFunction", gradientFunction);
        checkDistinct(parameters, null);
        if (gradientScratch == null) {
            gradientScratch = backend.allocate(parameterCount);
        }
        if (lookahead == null) {
            gradientFunction.gradient(parameters, gradientScratch);
            return checkedStep(parameters, gradientScratch, null);
        }
        if (lookaheadArgs == null) {
            lookaheadArgs = new Buffer[] {null, state.buffers().get(0), backend.allocate(parameterCount)};
        }
        long t = state.step();
        rule.scalars(t, scalars);
        lookaheadArgs[0] = parameters;
        lookahead.apply(scalars, lookaheadArgs, 0, parameterCount);
        gradientFunction.gradient(lookaheadArgs[2], gradientScratch);
        if (!admit(gradientScratch, null)) {
            return false;
        }
        kernelArgs[0] = parameters;
        kernelArgs[1] = gradientScratch;
        momentum.apply(scalars, kernelArgs, 0, parameterCount);
        state.setStep(t + 1);
        return true;
    }

    /**
     * Replaces this optimizer's state (step counter, skip counter, every state buffer) by the checkpoint's.
     *
     * @throws IllegalArgumentException if the checkpoint was written for another rule (hyper-parameters and
     *                                  schedule included) or another parameter count; nothing is modified then
     */
    public void restore(Checkpoint checkpoint) {
        restore(checkpoint, null);
    }

    /**
     * Replaces this optimizer's state by the checkpoint's and, when {@code parameters} is not null, the
     * parameters by the checkpoint's. Every check runs before the first write. Values are copied exactly:
     * float32 values into any buffer, float64 values exactly into a float64 buffer (rounded to nearest
     * into a float32 one).
     *
     * @throws IllegalArgumentException if the checkpoint was written for another rule (hyper-parameters and
     *                                  schedule included) or another parameter count, holds no parameters
     *                                  while {@code parameters} is given, or {@code parameters} is not a
     *                                  buffer of this optimizer; nothing is modified then
     */
    public void restore(Checkpoint checkpoint, Buffer parameters) {
        ensureOpen();
        Check.notNull("checkpoint", checkpoint);
        if (!checkpoint.rule().equals(rule)) {
            throw new IllegalArgumentException("checkpoint is for rule " + checkpoint.rule()
                    + " but this optimizer runs " + rule + "; build the optimizer from checkpoint.rule()");
        }
        if (checkpoint.parameterCount() != parameterCount) {
            throw new IllegalArgumentException("checkpoint holds " + checkpoint.parameterCount()
                    + " parameters but this optimizer updates " + parameterCount);
        }
        if (!checkpoint.stateNames().equals(state.names())) {
            throw new IllegalArgumentException("checkpoint has state buffers " + checkpoint.stateNames()
                    + " but this optimizer has " + state.names());
        }
        for (int i = 0; i < state.names().size(); i++) {
            BufferData data = checkpoint.stateBuffer(i);
            if (data.length() != parameterCount) {
                throw new IllegalArgumentException("checkpoint state buffer '" + state.names().get(i) + "' has "
                        + data.length() + " elements but this optimizer updates " + parameterCount);
            }
        }
        if (parameters != null) {
            checkBuffer("parameters", parameters);
            checkDistinct(parameters, null);
            if (!checkpoint.hasParameters()) {
                throw new IllegalArgumentException("checkpoint holds no parameters; restore(checkpoint) restores "
                        + "the optimizer state alone");
            }
        }
        for (int i = 0; i < state.names().size(); i++) {
            checkpoint.stateBuffer(i).copyTo(state.buffers().get(i));
        }
        if (parameters != null) {
            checkpoint.parameters().copyTo(parameters);
        }
        state.setStep(checkpoint.step());
        state.setSkippedSteps(checkpoint.skippedSteps());
    }

    /** Drops the scratch buffers; later steps, restores and {@link #newBuffer()} are refused. Idempotent. */
    @Override
    public void close() {
        closed = true;
        gradientScratch = null;
        lookaheadArgs = null;
        kernelArgs[0] = null;
        kernelArgs[1] = null;
    }

    private boolean checkedStep(Buffer parameters, Buffer gradient, ParameterSet layout) {
        if (!admit(gradient, layout)) {
            return false;
        }
        long t = state.step();
        rule.scalars(t, scalars);
        kernelArgs[0] = parameters;
        kernelArgs[1] = gradient;
        kernel.apply(scalars, kernelArgs, 0, parameterCount);
        state.setStep(t + 1);
        return true;
    }

    /** Applies the non-finite policy: true to take the step, false to skip it; throws under FAIL. */
    private boolean admit(Buffer gradient, ParameterSet layout) {
        if (nonFinitePolicy == NonFinitePolicy.UNCHECKED) {
            return true;
        }
        int bad = backend.firstNonFinite(gradient, 0, parameterCount);
        if (bad < 0) {
            return true;
        }
        String tensor = "gradient";
        int index = bad;
        if (layout != null) {
            for (ParameterSet.Tensor t : layout.tensors()) {
                if (bad >= t.offset() && bad < t.offset() + t.length()) {
                    tensor = t.name();
                    index = bad - t.offset();
                    break;
                }
            }
        }
        if (nonFinitePolicy == NonFinitePolicy.FAIL) {
            throw new NonFiniteGradientException(tensor, index, bad, gradient.get(bad), state.step());
        }
        long skipped = state.skippedSteps() + 1;
        state.setSkippedSteps(skipped);
        if ((skipped - 1) % skipLogInterval == 0) {
            log.warn("Skipped step {} of {}: {}[{}] = {} is not finite ({} step(s) skipped so far; "
                    + "logged once per {} skips)", state.step(), rule.id(), tensor, index, gradient.get(bad),
                    skipped, skipLogInterval);
        }
        return false;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this optimizer is closed: " + this);
        }
    }

    private void checkBuffer(String name, Buffer buffer) {
        if (buffer == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (buffer.length() != parameterCount) {
            throw new IllegalArgumentException(name + " has length " + buffer.length()
                    + " but this optimizer updates " + parameterCount + " parameters");
        }
        if (!backend.owns(buffer)) {
            throw new IllegalArgumentException(name + " is a " + buffer.getClass().getSimpleName()
                    + ", not a buffer of backend '" + backend.name() + "'");
        }
    }

    /** Parameters, gradient and state must be distinct buffers: an aliased update would be silently wrong. */
    private void checkDistinct(Buffer parameters, Buffer gradient) {
        if (gradient != null && sameStorage(parameters, gradient)) {
            throw new IllegalArgumentException("parameters and gradient are the same storage; they must be distinct");
        }
        for (int i = 0; i < state.buffers().size(); i++) {
            Buffer s = state.buffers().get(i);
            if (sameStorage(parameters, s) || (gradient != null && sameStorage(gradient, s))) {
                throw new IllegalArgumentException("an argument is this optimizer's state buffer '"
                        + state.names().get(i) + "'; pass buffers of your own");
            }
        }
    }

    private static boolean sameStorage(Buffer a, Buffer b) {
        if (a == b) {
            return true;
        }
        return a instanceof FloatArrayBuffer && b instanceof FloatArrayBuffer
                && ((FloatArrayBuffer) a).array() == ((FloatArrayBuffer) b).array();
    }

    private static void checkSameLayout(ParameterSet parameters, ParameterSet gradients) {
        List<ParameterSet.Tensor> p = parameters.tensors();
        List<ParameterSet.Tensor> g = gradients.tensors();
        for (int i = 0; i < Math.max(p.size(), g.size()); i++) {
            ParameterSet.Tensor a = i < p.size() ? p.get(i) : null;
            ParameterSet.Tensor b = i < g.size() ? g.get(i) : null;
            if (a == null || b == null || !a.name().equals(b.name()) || a.offset() != b.offset()
                    || !Arrays.equals(a.shape(), b.shape())) {
                throw new IllegalArgumentException("gradients do not have the parameters' layout: tensor " + i
                        + " is " + b + " in gradients but " + a + " in parameters");
            }
        }
    }

    @Override
    public String toString() {
        return "Optimizer[" + rule + " on " + backend.name() + ", " + parameterCount + " parameters, step "
                + state.step() + ", " + nonFinitePolicy + (closed ? ", closed" : "") + "]";
    }

    /** Configures an {@link Optimizer}; every setter validates its argument at once. */
    public static final class Builder {
        private final UpdateRule rule;
        private Backend backend;
        private int parameterCount = -1;
        private NonFinitePolicy nonFinitePolicy = NonFinitePolicy.FAIL;
        private int skipLogInterval = DEFAULT_SKIP_LOG_INTERVAL;

        private Builder(UpdateRule rule) {
            this.rule = rule;
        }

        /** The backend to run on; {@link Backends#select(UpdateRule, int)} when not set. */
        public Builder backend(Backend backend) {
            this.backend = Check.notNull("backend", backend);
            return this;
        }

        /** The number of parameters (≥ 0); required. */
        public Builder parameterCount(int parameterCount) {
            if (parameterCount < 0) {
                throw new IllegalArgumentException("parameterCount must be >= 0, got " + parameterCount);
            }
            this.parameterCount = parameterCount;
            return this;
        }

        /** What to do with a non-finite gradient; {@link NonFinitePolicy#FAIL} when not set. */
        public Builder nonFinitePolicy(NonFinitePolicy policy) {
            this.nonFinitePolicy = Check.notNull("nonFinitePolicy", policy);
            return this;
        }

        /** Under {@code SKIP_STEP}, log the 1st skip and then one in every {@code n} (≥ 1); default {@value Optimizer#DEFAULT_SKIP_LOG_INTERVAL}. */
        public Builder skipLogInterval(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("skipLogInterval must be >= 1, got " + n);
            }
            this.skipLogInterval = n;
            return this;
        }

        /**
         * @throws IllegalArgumentException if the parameter count was not set, or the backend is not
         *                                  available or lacks the rule's kernel
         */
        public Optimizer build() {
            if (parameterCount < 0) {
                throw new IllegalArgumentException("parameterCount must be set (>= 0) before build()");
            }
            return new Optimizer(this);
        }
    }
}
