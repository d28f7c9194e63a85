package org.optim4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.optim4j.backend.Backends;
import org.optim4j.quant.Bf16Buffer;
import org.optim4j.quant.BlockPlan;
import org.optim4j.quant.CompressedBuffer;
import org.optim4j.quant.Int8BlockBuffer;
import org.optim4j.quant.CompressedKernel;
import org.optim4j.quant.DynamicMap;
import org.optim4j.quant.StateFormat;
import org.optim4j.quant.StateMaps;
import org.optim4j.internal.Check;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.Chains;
import org.optim4j.spi.DoubleArrayBuffer;
import org.optim4j.spi.FloatArrayBuffer;
import org.optim4j.spi.Kernel;
import org.optim4j.spi.KernelKey;
import org.optim4j.spi.PrefixNorms;
import org.optim4j.spi.StepScalars;
import org.optim4j.state.BufferData;
import org.optim4j.state.OptimizerSnapshot;
import org.optim4j.state.ParameterGroup;
import org.optim4j.state.Range;
import org.optim4j.state.TensorSlot;
import org.optim4j.transform.AccumulateGradients;
import org.optim4j.transform.EvaluationPoint;
import org.optim4j.transform.Transform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Update rules applied to one flat parameter buffer on one backend: the step that training code calls. It owns
 * the rules' state (see {@link #state()}), checks every argument before it modifies anything, computes the
 * per-step scalars once, and hands the element-wise work to the backend: one fused kernel per group when the
 * backend has one for the group's chain, else the chain's transforms composed (the log says which, once).
 *
 * <pre>{@code
 * Optimizer adam = Optimizer.create(Adam.defaults(), n);   // backend chosen for Adam at this size
 * adam.step(params, grads);            // float[] on a heap backend, or Buffers of adam.backend()
 *
 * // parameter groups: no weight decay on biases
 * Optimizer opt = Optimizer.builder(AdamW.of(1e-3, 0.01)).backend(backend).layout(params)
 *         .group("no_decay", Adam.of(1e-3), "b1", "b2").build();
 * }</pre>
 *
 * <h2>Parameter groups</h2>
 * Every parameter belongs to exactly one group: those named in {@link Builder#group} to that group, all others
 * to the group {@value #DEFAULT_GROUP} of the builder's rule. A group has its own chain and hyper-parameters;
 * one step updates every group. State buffers are named by the rules ({@code s}, {@code r}); groups whose rules
 * share a name share that buffer over their own disjoint ranges, so two groups of one rule cost no more memory
 * than one.
 *
 * <h2>Reductions</h2>
 * Before the element-wise pass one read pass over the gradient computes Σg² per group: it is the non-finite
 * check (Σg² is finite exactly when every element is; only then is the index of a bad element searched) and
 * the norm of a leading {@link org.optim4j.transform.ClipByGlobalNorm}, which then folds into the fused kernel
 * as a gradient scale. A transform with a per-tensor reduction anywhere in the chain (LAMB's trust ratio) makes the
 * group run in two passes: the chain up to it, element by element, writing nothing, to get ‖u‖² and ‖θ‖² per tensor
 * of the layout; then the step, tensor by tensor, with each tensor's result in the scalars.
 *
 * <h2>Gradient accumulation</h2>
 * A group whose chain starts with {@link AccumulateGradients} (k) adds every call's gradient to its state buffer
 * {@value AccumulateGradients#STATE} and updates only on every k-th call, with the mean of the k gradients, through
 * the rest of its chain (fused when the backend has a kernel for it). The step counter ({@link OptimizerState#step()})
 * counts calls; the rest of the chain sees t = ⌊step/k⌋ (its schedules, its bias corrections), and the update is
 * applied on the calls with step mod k = k − 1. A call that only accumulates returns true. The buffer is state:
 * snapshots and checkpoints carry a half-accumulated gradient.
 *
 * <h2>Failures lose nothing</h2>
 * Every public method validates all of its arguments (null, length, backend, aliasing, a closed optimizer, a
 * scheduled hyper-parameter out of range at this step, the non-finite policy) before it writes anything. A call
 * that throws leaves the parameters, the state buffers, the step counter and the skip counter exactly as they
 * were. The one exception is a backend kernel failing half-way through (an out-of-memory error in native code,
 * say): the element-wise update is done in place, so such a failure may leave a partial update.
 *
 * <h2>Snapshots and checkpoints</h2>
 * {@link #snapshot()} copies everything the next step reads; {@link #load(OptimizerSnapshot, boolean)} puts it
 * back, on any backend, in any process; the steps after a load are bit-identical to the steps the snapshotted
 * optimizer would have taken. {@code org.optim4j.checkpoint.Checkpoint} writes snapshots to files.
 *
 * <h2>Threads</h2>
 * An optimizer instance is not thread-safe: one thread at a time may call its methods, and the caller must not
 * modify the buffers it passed while a call runs. A second thread that calls while a call is running is refused
 * with {@link IllegalStateException} (one compare-and-set per call), with no effect on the state. Distinct
 * optimizers may be used by distinct threads at the same time, also on one shared backend instance.
 * Rules and schedules are immutable values and may be shared freely.
 *
 * <h2>Compressed state</h2>
 * {@link Builder#stateFormat(StateFormat)} stores the rules' state buffers as bfloat16 or 8-bit block-wise
 * ({@link StateFormat}) on backends whose buffers are {@code float[]} ({@code scalar}, {@code simd}); the
 * gradient-accumulation buffer stays float32. Arithmetic stays float32: a backend runs its fused kernel for the
 * format when it has one ({@code key@bf16}, {@code key@int8}), else the float32 kernel block by block over decoded
 * state ({@link CompressedKernel}, which is also the reference). Int8 state over a {@link Builder#layout layout} is
 * blocked per tensor, and tensors under {@link Builder#int8MinTensorSize} elements keep float32 state
 * ({@link BlockPlan}, as bitsandbytes does).
 *
 * <h2>Lifecycle</h2>
 * {@link #close()} drops the optimizer's scratch buffers; afterwards step, load and {@link #newBuffer()} throw
 * {@link IllegalStateException}. The state stays readable (a last snapshot can still be taken). Closing does not
 * close the backend, which is shared.
 */
public final class Optimizer implements AutoCloseable {
    /** Default of {@link Builder#skipLogInterval(int)}. */
    public static final int DEFAULT_SKIP_LOG_INTERVAL = 1000;
    /**
     * The suffix of the key under which a backend registers a fused kernel's mixed-precision twin (bf16 or float32
     * gradient, float32 master θ and its bf16 copy, state of any format): {@link CompressedKernel#mixed}.
     */
    public static final String MIXED = "@mixed";
    /** The name of the group of every parameter no {@link Builder#group} claims. */
    public static final String DEFAULT_GROUP = "default";
    /**
     * Tensors of fewer elements keep float32 state when the state is int8 ({@link Builder#int8MinTensorSize}):
     * bitsandbytes' {@code min_8bit_size} default.
     */
    public static final int DEFAULT_INT8_MIN_TENSOR_SIZE = 4096;

    /** The tensor name of an optimizer built without a layout. */
    public static final String WHOLE_TENSOR = "parameters";

    private static final Logger log = LoggerFactory.getLogger(Optimizer.class);
    /** "backend/key" pairs whose composed fallback was logged already. */
    private static final Set<String> loggedFallbacks = ConcurrentHashMap.newKeySet();

    private final Backend backend;
    /** Why {@link Backends} chose the backend, when the caller named none (null otherwise): for error messages. */
    private final String backendReason;
    private final int parameterCount;
    private final List<TensorSlot> tensors;
    private final GroupPlan[] plans;
    private final OptimizerState state;
    private final NonFinitePolicy nonFinitePolicy;
    private final int skipLogInterval;
    private final AtomicReference<Thread> caller = new AtomicReference<>();
    private final boolean hasLookahead;
    private final StateFormat stateFormat;
    private final boolean stochasticRounding;
    private final long roundingSeed;
    private Buffer gradientScratch;
    /** True during {@link #stepMixed}, with its bf16 parameter copy (or null). */
    private boolean mixed;
    private Buffer mixedCopy;
    private Buffer pointScratch;
    private boolean closed;

    private Optimizer(Builder b) {
        this.parameterCount = b.parameterCount;
        this.tensors = b.tensors();
        List<ParameterGroup> groups = b.groups(tensors);
        if (b.backend != null) {
            this.backend = b.backend;
            this.backendReason = null;
        } else {
            Backends.Choice choice = Backends.choice(b.rule, b.parameterCount);
            this.backend = choice.backend();
            this.backendReason = choice.reason();
        }
        if (!backend.availability().available()) {
            throw new IllegalArgumentException("backend '" + backend.name() + "' is not available: "
                    + backend.availability().reason());
        }
        this.nonFinitePolicy = b.nonFinitePolicy;
        this.skipLogInterval = b.skipLogInterval;
        this.stateFormat = b.stateFormat;
        this.stochasticRounding = b.stochasticRounding;
        this.roundingSeed = b.roundingSeed;
        List<String> names = OptimizerSnapshot.stateNames(groups);
        List<Buffer> buffers = new ArrayList<>();
        BlockPlan blocks = stateFormat == StateFormat.INT8
                ? Int8Blocks.plan(parameterCount, b.layout != null ? tensors : List.of(), groups, b.int8MinTensorSize)
                : null;
        for (String name : names) {
            buffers.add(allocateState(name, groups, blocks));
        }
        this.state = new OptimizerState(names, buffers);
        this.plans = new GroupPlan[groups.size()];
        boolean lookahead = false;
        for (int i = 0; i < plans.length; i++) {
            plans[i] = new GroupPlan(groups.get(i));
            lookahead |= plans[i].lookahead != null;
        }
        this.hasLookahead = lookahead;
    }

    /**
     * A zeroed state buffer in this optimizer's format (the accumulated gradient always in float32); int8 over
     * {@code blocks}.
     */
    private Buffer allocateState(String name, List<ParameterGroup> groups, BlockPlan blocks) {
        if (stateFormat == StateFormat.FLOAT32 || name.equals(AccumulateGradients.STATE)) {
            return backend.allocate(parameterCount);
        }
        if (!(backend.allocate(0) instanceof FloatArrayBuffer)) {
            throw new IllegalArgumentException("stateFormat " + stateFormat.id() + " needs a backend whose buffers are "
                    + "float[] (scalar, simd); backend '" + backend.name() + "' stores " + backend.allocate(0));
        }
        DynamicMap map = null;
        for (ParameterGroup g : groups) {
            for (Transform t : g.rule().transforms()) {
                if (t.stateNames().contains(name)) {
                    DynamicMap m = StateMaps.forState(t.id(), name);
                    map = map == null || map == m ? m : DynamicMap.SIGNED; // two transforms disagree: signed
                }
            }
        }
        if (stochasticRounding && stateFormat == StateFormat.BF16) { // a seed per buffer: s and r draw apart
            return new Bf16Buffer(parameterCount, true, roundingSeed * 31 + name.hashCode());
        }
        if (stateFormat == StateFormat.INT8) {
            return new Int8BlockBuffer(blocks, map == null ? DynamicMap.SIGNED : map);
        }
        return CompressedBuffer.zeros(stateFormat, parameterCount, map == null ? DynamicMap.SIGNED : map);
    }

    /** A builder for an optimizer running {@code rule} (the default group's); set a parameter count or a layout. */
    public static Builder builder(UpdateRule rule) {
        return new Builder(Check.notNull("rule", rule));
    }

    /** An optimizer for {@code parameterCount} parameters, its state zeroed, step counter 0, policy {@code FAIL}. */
    public static Optimizer create(UpdateRule rule, Backend backend, int parameterCount) {
        Check.notNull("backend", backend);
        return builder(rule).backend(backend).parameterCount(parameterCount).build();
    }

    /** As {@link #create(UpdateRule, Backend, int)} on the backend {@link Backends#select(UpdateRule, int)} picks. */
    public static Optimizer create(UpdateRule rule, int parameterCount) {
        return builder(rule).parameterCount(parameterCount).build();
    }

    /**
     * The rule of the only group.
     *
     * @throws IllegalStateException if this optimizer has several groups (see {@link #groups()})
     */
    public UpdateRule rule() {
        if (plans.length != 1) {
            throw new IllegalStateException("this optimizer has " + plans.length + " parameter groups; use groups()");
        }
        return plans[0].group.rule();
    }

    /** The parameter groups, each with its rule and ranges. */
    public List<ParameterGroup> groups() {
        List<ParameterGroup> g = new ArrayList<>();
        for (GroupPlan p : plans) {
            g.add(p.group);
        }
        return g;
    }

    /** The tensor layout by name ({@value #WHOLE_TENSOR} alone when built without a layout). */
    public List<TensorSlot> tensors() {
        return tensors;
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

    /** How the state buffers are stored ({@link StateFormat#FLOAT32} unless the builder said otherwise). */
    public StateFormat stateFormat() {
        return stateFormat;
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

    /** The key of the kernel each group runs, and whether it is fused or composed (for logs and the CLI). */
    public List<String> kernelsInUse() {
        List<String> out = new ArrayList<>();
        for (GroupPlan p : plans) {
            out.add(p.group.name() + ": " + (p.accumulator == null ? ""
                    : AccumulateGradients.ID + " (k = " + p.accumulate + ", in the optimizer), then ") + p.description);
        }
        return out;
    }

    /** A new zeroed buffer of this optimizer's length on its backend (for parameters or gradients). */
    public Buffer newBuffer() {
        ensureOpen();
        return backend.allocate(parameterCount);
    }

    /**
     * One step with the gradient {@code gradient} taken at {@code parameters}. For a rule with a look-ahead
     * (Nesterov) this is the reparametrised form: {@code parameters} hold θ̃ = θ + ρ·s.
     *
     * @return true if the step was taken, false if it was skipped ({@link NonFinitePolicy#SKIP_STEP})
     * @throws IllegalArgumentException   if a buffer is null, of another length, of another backend, or the same
     *                                    buffer as another argument or a state buffer, or a scheduled
     *                                    hyper-parameter is out of range at this step
     * @throws IllegalStateException      if this optimizer is closed, or another thread is in a call on it
     * @throws NonFiniteGradientException if the gradient holds NaN or ±Infinity under policy {@code FAIL}
     */
    public boolean step(Buffer parameters, Buffer gradient) {
        enter();
        try {
            checkBuffer("parameters", parameters);
            checkBuffer("gradient", gradient);
            checkDistinct(parameters, gradient);
            return run(parameters, gradient, null, false);
        } finally {
            exit();
        }
    }

    /**
     * {@link #step(Buffer, Buffer)} over the flat buffers of two sets of one layout; a non-finite gradient is
     * reported with the name of its tensor and the index inside it.
     *
     * @throws IllegalArgumentException if the sets' layouts differ (the first difference is named)
     */
    public boolean step(ParameterSet parameters, ParameterSet gradients) {
        enter();
        try {
            Check.notNull("parameters", parameters);
            Check.notNull("gradients", gradients);
            checkSameLayout(parameters, gradients);
            checkBuffer("parameters", parameters.flat());
            checkBuffer("gradient", gradients.flat());
            checkDistinct(parameters.flat(), gradients.flat());
            return run(parameters.flat(), gradients.flat(), gradients, false);
        } finally {
            exit();
        }
    }

    /** {@link #step(Buffer, Buffer)} over heap arrays; the backend must store buffers as {@code float[]}. */
    public boolean step(float[] parameters, float[] gradient) {
        Check.notNull("parameters", parameters);
        Check.notNull("gradient", gradient);
        if (parameters == gradient) {
            throw new IllegalArgumentException("parameters and gradient are the same array; they must be distinct");
        }
        return step(FloatArrayBuffer.wrap(parameters), FloatArrayBuffer.wrap(gradient));
    }

    /**
     * A mixed-precision step: the gradient in bf16 (or float32), the float32 master parameters updated, and the
     * bf16 copy of the parameters (what the forward pass reads) written in the same pass, θ rounded to nearest even.
     * The rule's state is stored in this optimizer's {@link #stateFormat()}. Heap backends only (scalar, simd); the
     * kernel is the float32 one run block by block ({@link CompressedKernel}), so the steps equal, bit for bit, a
     * float32-gradient step on the decoded gradient followed by rounding θ to bf16.
     *
     * @param parametersCopy a bf16 ({@link Bf16Buffer}) or float16 ({@link org.optim4j.quant.Fp16Buffer}) buffer of the
     *                       parameters' length, or null to skip the copy (float16: with
     *                       {@link DynamicLossScale})
     * @return as {@link #step(Buffer, Buffer)}
     * @throws IllegalArgumentException as {@link #step(Buffer, Buffer)}, or if the master parameters are not
     *                                  {@code float[]}, the gradient is neither float32 heap nor bf16, or the copy
     *                                  has another length
     */
    public boolean stepMixed(Buffer parameters, Buffer gradient, Buffer parametersCopy) {
        enter();
        try {
            for (GroupPlan p : plans) {
                if (p.perTensor != null) {
                    // Its first pass reads a float32 gradient buffer; not wired for a bf16 gradient (not tested).
                    throw new IllegalArgumentException("rule '" + p.group.rule().id() + "' has a per-tensor reduction,"
                            + " which stepMixed does not support; use step with a float32 gradient");
                }
            }
            checkBuffer("parameters", parameters);
            if (!(parameters instanceof FloatArrayBuffer)) {
                throw new IllegalArgumentException("mixed precision needs float[] master parameters (scalar, simd), "
                        + "got " + parameters);
            }
            if (!(gradient instanceof Bf16Buffer)) {
                checkBuffer("gradient", gradient);
            } else if (gradient.length() != parameterCount) {
                throw new IllegalArgumentException("gradient has length " + gradient.length()
                        + " but this optimizer updates " + parameterCount + " parameters");
            }
            if (parametersCopy != null && !(parametersCopy instanceof Bf16Buffer)
                    && !(parametersCopy instanceof org.optim4j.quant.Fp16Buffer)) {
                throw new IllegalArgumentException("parametersCopy must be a Bf16Buffer or an Fp16Buffer, got "
                        + parametersCopy);
            }
            if (parametersCopy != null && parametersCopy.length() != parameterCount) {
                throw new IllegalArgumentException("parametersCopy has length " + parametersCopy.length()
                        + " but this optimizer updates " + parameterCount + " parameters");
            }
            if (parametersCopy != null && (parametersCopy == gradient || state.buffers().contains(parametersCopy))) {
                throw new IllegalArgumentException("parametersCopy is the gradient or a state buffer; pass a buffer of "
                        + "your own");
            }
            checkDistinct(parameters, gradient);
            for (GroupPlan p : plans) { // a look-ahead rule runs in its reparametrised form, as step(Buffer, Buffer)
                if (p.accumulator != null) {
                    throw new IllegalArgumentException("rule '" + p.group.rule().id() + "': mixed precision is not "
                            + "combined with gradient accumulation");
                }
            }
            mixedCopy = parametersCopy;
            mixed = true;
            try {
                return run(parameters, gradient, null, false);
            } finally {
                mixed = false;
                mixedCopy = null;
            }
        } finally {
            exit();
        }
    }

    /**
     * {@link #step(Buffer, Buffer)} over float64 heap arrays; the backend must store buffers as {@code double[]}
     * ({@code scalar-f64}).
     */
    public boolean step(double[] parameters, double[] gradient) {
        Check.notNull("parameters", parameters);
        Check.notNull("gradient", gradient);
        if (parameters == gradient) {
            throw new IllegalArgumentException("parameters and gradient are the same array; they must be distinct");
        }
        return step(DoubleArrayBuffer.wrap(parameters), DoubleArrayBuffer.wrap(gradient));
    }

    /**
     * One step that evaluates the gradient itself. For a rule with a look-ahead (Nesterov) this is the spec
     * form: the gradient is taken at the look-ahead point (θ + ρ·s, computed into a scratch buffer), then
     * {@code s = ρ·s − α·g; θ = θ + s}. For every other rule the gradient is taken at {@code parameters}. The
     * gradient function writes into a scratch buffer, so if it throws, nothing is modified; it must not modify
     * the point it is given.
     *
     * @return true if the step was taken, false if it was skipped ({@link NonFinitePolicy#SKIP_STEP})
     * @throws IllegalArgumentException   if {@code parameters} is null, of another length or backend, or a
     *                                    state buffer, or {@code gradientFunction} is null
     * @throws IllegalStateException      if this optimizer is closed, or another thread is in a call on it
     * @throws NonFiniteGradientException if the computed gradient holds NaN or ±Infinity under policy
     *                                    {@code FAIL}; an exception of the gradient function propagates as is
     */
    public boolean step(Buffer parameters, GradientFunction gradientFunction) {
        enter();
        try {
            checkBuffer("parameters", parameters);
            Check.notNull("gradientFunction", gradientFunction);
            checkDistinct(parameters, null);
            if (gradientScratch == null) {
                gradientScratch = backend.allocate(parameterCount);
            }
            if (!hasLookahead) {
                gradientFunction.gradient(parameters, gradientScratch);
                return run(parameters, gradientScratch, null, false);
            }
            if (pointScratch == null) {
                pointScratch = backend.allocate(parameterCount);
            }
            long t = state.step();
            for (GroupPlan p : plans) {
                p.prepare(t, true);
            }
            for (GroupPlan p : plans) {
                p.writePoint(parameters, pointScratch);
            }
            gradientFunction.gradient(pointScratch, gradientScratch);
            return run(parameters, gradientScratch, null, true);
        } finally {
            exit();
        }
    }

    /**
     * Writes the point to evaluate the model at into {@code out}. For a schedule-free rule (a chain with an
     * {@link EvaluationPoint} transform) the parameters hold the training point y, where the gradient is taken, and
     * this is the average x (schedulefree's {@code optimizer.eval()}, without touching the parameters: keep training
     * from {@code parameters}, evaluate at {@code out}). For every other group, and before the first update, it is
     * a copy of the parameters. Reads the state, modifies nothing else.
     *
     * @throws IllegalArgumentException if a buffer is null, of another length or backend, or a state buffer, or the
     *                                  two are the same
     */
    public void evaluationPoint(Buffer parameters, Buffer out) {
        enter();
        try {
            checkBuffer("parameters", parameters);
            checkBuffer("out", out);
            checkDistinct(parameters, out);
            for (GroupPlan p : plans) {
                p.writeEvaluationPoint(parameters, out, state.step());
            }
        } finally {
            exit();
        }
    }

    /** {@link #evaluationPoint(Buffer, Buffer)} over heap arrays. */
    public void evaluationPoint(float[] parameters, float[] out) {
        Check.notNull("parameters", parameters);
        Check.notNull("out", out);
        if (parameters == out) {
            throw new IllegalArgumentException("parameters and out are the same array; they must be distinct");
        }
        evaluationPoint(FloatArrayBuffer.wrap(parameters), FloatArrayBuffer.wrap(out));
    }

    /**
     * {@link #step(Buffer, GradientFunction)} over a {@link ParameterSet}: the function gets the point and the
     * gradient in the set's layout, so it reads and writes tensors by name (Nesterov's spec form takes the
     * gradient at the look-ahead point θ + ρ·s, which is not {@code parameters}).
     */
    public boolean step(ParameterSet parameters, ParameterSetGradient gradientFunction) {
        Check.notNull("parameters", parameters);
        Check.notNull("gradientFunction", gradientFunction);
        return step(parameters.flat(), (point, gradient) ->
                gradientFunction.gradient(parameters.over(point), parameters.over(gradient)));
    }

    /**
     * A copy of everything the next step reads: counters, layout, groups with their rules, state buffers.
     *
     * @throws IllegalStateException if another thread is in a call on this optimizer
     */
    public OptimizerSnapshot snapshot() {
        enter(false);
        try {
            Map<String, BufferData> data = new LinkedHashMap<>();
            for (int i = 0; i < state.names().size(); i++) {
                data.put(state.names().get(i), BufferData.of(state.buffers().get(i)));
            }
            return new OptimizerSnapshot(state.step(), state.skippedSteps(), parameterCount, tensors, groups(), data);
        } finally {
            exit();
        }
    }

    /**
     * Replaces this optimizer's state (step counter, skip counter, every state buffer) by the snapshot's. The
     * snapshot must have this optimizer's tensor layout (by name), groups and rules (hyper-parameters and
     * schedules included).
     *
     * @throws IllegalArgumentException naming the first difference; nothing is modified then
     */
    public void load(OptimizerSnapshot snapshot) {
        load(snapshot, false);
    }

    /**
     * As {@link #load(OptimizerSnapshot)}; with {@code keepMyHyperParameters} the groups' rules may differ from
     * the snapshot's in hyper-parameters and schedules (to lower the learning rate on resume, say) as long as each
     * group runs the same rule id with the same state buffers; every change is logged.
     *
     * @throws IllegalArgumentException naming the first difference (layout, groups, rule ids, state); nothing is
     *                                  modified then
     */
    public void load(OptimizerSnapshot snapshot, boolean keepMyHyperParameters) {
        enter();
        try {
            ensureOpen();
            Check.notNull("snapshot", snapshot);
            checkCompatible(snapshot, keepMyHyperParameters);
            for (int i = 0; i < state.names().size(); i++) {
                snapshot.state(state.names().get(i)).copyTo(state.buffers().get(i));
            }
            state.setStep(snapshot.step());
            state.setSkippedSteps(snapshot.skippedSteps());
        } finally {
            exit();
        }
    }

    private void checkCompatible(OptimizerSnapshot s, boolean keepMine) {
        if (s.parameterCount() != parameterCount) {
            throw new IllegalArgumentException("snapshot holds " + s.parameterCount()
                    + " parameters but this optimizer updates " + parameterCount);
        }
        if (!s.tensors().equals(tensors)) {
            throw new IllegalArgumentException("snapshot has the tensor layout " + describe(s.tensors())
                    + " but this optimizer has " + describe(tensors));
        }
        if (s.groups().size() != plans.length) {
            throw new IllegalArgumentException("snapshot has " + s.groups().size() + " parameter groups but this "
                    + "optimizer has " + plans.length);
        }
        for (int i = 0; i < plans.length; i++) {
            ParameterGroup mine = plans[i].group, theirs = s.groups().get(i);
            if (!mine.name().equals(theirs.name()) || !mine.ranges().equals(theirs.ranges())) {
                throw new IllegalArgumentException("snapshot group " + i + " is '" + theirs.name() + "' over "
                        + theirs.ranges() + " but this optimizer's is '" + mine.name() + "' over " + mine.ranges());
            }
            if (UpdateRule.sameDefinition(mine.rule(), theirs.rule())) {
                continue;
            }
            if (!keepMine) {
                throw new IllegalArgumentException("snapshot is for rule " + theirs.rule() + " but this optimizer runs "
                        + mine.rule() + " in group '" + mine.name() + "'; build the optimizer from the snapshot's rule, "
                        + "or load(snapshot, true) to keep this optimizer's hyper-parameters");
            }
            if (!mine.rule().id().equals(theirs.rule().id())
                    || !mine.rule().stateNames().equals(theirs.rule().stateNames())) {
                throw new IllegalArgumentException("snapshot group '" + theirs.name() + "' runs rule '"
                        + theirs.rule().id() + "' with state " + theirs.rule().stateNames() + " but this optimizer runs '"
                        + mine.rule().id() + "' with state " + mine.rule().stateNames());
            }
            log.info("Loading a snapshot of group '{}' with changed hyper-parameters: {} -> {}", mine.name(),
                    theirs.rule().hyperParameters(), mine.rule().hyperParameters());
        }
        if (!s.state().keySet().equals(new java.util.LinkedHashSet<>(state.names()))) {
            throw new IllegalArgumentException("snapshot has state buffers " + s.state().keySet()
                    + " but this optimizer has " + state.names());
        }
    }

    private static String describe(List<TensorSlot> t) {
        return t.stream().map(x -> x.name() + "[" + x.offset() + "+" + x.length() + "]").toList().toString();
    }

    /** Drops the scratch buffers; later steps, loads and {@link #newBuffer()} are refused. Idempotent. */
    @Override
    public void close() {
        closed = true;
        gradientScratch = null;
        pointScratch = null;
    }

    /** Scalars, reductions, non-finite policy, then every group's kernel over its ranges. */
    private boolean run(Buffer parameters, Buffer gradient, ParameterSet layout, boolean atPoint) {
        long t = state.step();
        if (!atPoint) {
            for (GroupPlan p : plans) {
                p.prepare(t, false);
            }
        }
        boolean check = nonFinitePolicy != NonFinitePolicy.UNCHECKED;
        boolean finite = true;
        for (GroupPlan p : plans) {
            if (check || (p.leadingScalers > 0 && p.accumulator == null)) {
                double sum = 0;
                for (int r = 0; r < p.from.length; r++) {
                    sum += gradient instanceof Bf16Buffer h ? h.sumOfSquares(p.from[r], p.to[r])
                            : backend.sumOfSquares(gradient, p.from[r], p.to[r]);
                }
                finite &= Double.isFinite(sum);
                if (p.accumulator == null) {
                    p.reduced(sum, atPoint);
                }
            }
        }
        if (check && !finite && !admit(gradient, layout)) {
            return false;
        }
        for (GroupPlan p : plans) {
            p.run(parameters, gradient, atPoint);
        }
        state.setStep(t + 1);
        return true;
    }

    /** Under FAIL throws naming the element; under SKIP_STEP counts and logs the skip and returns false. */
    private boolean admit(Buffer gradient, ParameterSet layout) {
        int bad = backend.firstNonFinite(gradient, 0, parameterCount);
        if (bad < 0) {
            return true; // a float64 sum can overflow without a non-finite element
        }
        String tensor = "gradient";
        int index = bad;
        List<TensorSlot> names = layout != null ? slots(layout) : tensors.size() > 1 ? tensors : List.of();
        for (TensorSlot s : names) {
            if (bad >= s.offset() && bad < s.end()) {
                tensor = s.name();
                index = bad - s.offset();
                break;
            }
        }
        if (nonFinitePolicy == NonFinitePolicy.FAIL) {
            throw new NonFiniteGradientException(tensor, index, bad, gradient.get(bad), state.step());
        }
        long skipped = state.skippedSteps() + 1;
        state.setSkippedSteps(skipped);
        if ((skipped - 1) % skipLogInterval == 0) {
            log.warn("Skipped step {} of {}: {}[{}] = {} is not finite ({} step(s) skipped so far; "
                    + "logged once per {} skips)", state.step(), plans[0].group.rule().id(), tensor, index,
                    gradient.get(bad), skipped, skipLogInterval);
        }
        return false;
    }

    private static List<TensorSlot> slots(ParameterSet set) {
        List<TensorSlot> out = new ArrayList<>();
        for (ParameterSet.Tensor t : set.tensors()) {
            out.add(new TensorSlot(t.name(), t.offset(), t.length()));
        }
        return out;
    }

    private void enter() {
        enter(true);
    }

    private void enter(boolean mustBeOpen) {
        Thread me = Thread.currentThread();
        if (!caller.compareAndSet(null, me)) {
            Thread other = caller.get();
            throw new IllegalStateException("optimizer " + this + " is already in a call"
                    + (other == me ? " on this thread (a gradient function must not call its own optimizer)"
                    : " on thread '" + (other == null ? "?" : other.getName()) + "'")
                    + "; an Optimizer is not thread-safe: give each thread its own");
        }
        if (mustBeOpen && closed) {
            caller.set(null);
            throw new IllegalStateException("this optimizer is closed: " + this);
        }
    }

    private void exit() {
        caller.set(null);
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
            throw new IllegalArgumentException(name + " is a " + buffer.getClass().getSimpleName() + " ("
                    + buffer.precision() + "), not a buffer of backend '" + backend.name() + "'" + ownersHint(buffer));
        }
    }

    /** Which backends would take {@code buffer}: the hint of a refused buffer (e.g. float64 storage → scalar-f64). */
    private String ownersHint(Buffer buffer) {
        List<String> owners = new ArrayList<>();
        for (Backend b : Backends.all()) {
            if (b.owns(buffer)) {
                owners.add(b.name());
            }
        }
        return (backendReason == null ? "" : " (this optimizer's backend was " + backendReason + ")")
                + (owners.isEmpty() ? "" : "; backends that take it: " + String.join(", ", owners)
                + (backendReason != null && backendReason.startsWith("named by")
                        ? ": name one of them, or build the optimizer with .backend(...), or allocate its buffers with"
                        + " backend().allocate(n)" : ""));
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
        return (a instanceof FloatArrayBuffer x && b instanceof FloatArrayBuffer y && x.array() == y.array())
                || (a instanceof DoubleArrayBuffer u && b instanceof DoubleArrayBuffer v && u.array() == v.array());
    }

    private void checkSameLayout(ParameterSet parameters, ParameterSet gradients) {
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
        if (tensors.size() > 1 || !tensors.get(0).name().equals(WHOLE_TENSOR)) {
            if (!slots(parameters).equals(tensors)) {
                throw new IllegalArgumentException("the parameters' layout " + describe(slots(parameters))
                        + " is not this optimizer's " + describe(tensors));
            }
        }
    }

    @Override
    public String toString() {
        String rules = Arrays.stream(plans).map(p -> p.group.rule().toString()).reduce((a, b) -> a + ", " + b).orElse("");
        return "Optimizer[" + rules + " on " + backend.name() + ", " + parameterCount + " parameters"
                + (stateFormat == StateFormat.FLOAT32 ? "" : ", " + stateFormat.id() + " state") + ", step "
                + state.step() + ", " + nonFinitePolicy + (closed ? ", closed" : "") + "]";
    }

    /** One group's chain, prepared for this backend: scalars, kernels and argument arrays, reused every step. */
    private final class GroupPlan {
        final ParameterGroup group;
        /** k of a leading {@link AccumulateGradients} (the chain below is the rest), else 1. */
        final long accumulate;
        /** Its state buffer, or null. */
        final Buffer accumulator;
        /** Whether this call applies the update (always when not accumulating). */
        boolean applies = true;
        /** The group's ranges as arrays: a step iterates them without an iterator. */
        final int[] from;
        final int[] to;
        final List<Transform> chain;
        /** Scalar offset of each leading scaler in the chain's scalars. */
        final int[] leadAt;
        /** Leading transforms that rescale their input by a reduction (clip by global norm). */
        final int leadingScalers;
        final StepScalars scalars;
        final Kernel kernel;
        /** Scalars of the fused tail (the chain without its leading scalers), or null when the whole chain runs. */
        final StepScalars tailScalars;
        final int tailOffset;
        final Buffer[] args;
        final String description;
        /** The first pass of a chain with a per-tensor reduction (LAMB's trust ratio), or null. */
        final PerTensorPass perTensor;
        /** The fused kernel's float32 key (whole chain or fused tail), or null when composed: for mixed precision. */
        final KernelKey float32Key;
        private Kernel mixedKernel;
        private Buffer[] mixedArgs;
        // Look-ahead form (Nesterov's spec form), or null.
        final Kernel lookahead;
        final List<Transform> atPointChain;
        final StepScalars atPointScalars;
        final Kernel atPointKernel;

        GroupPlan(ParameterGroup group) {
            this.group = group;
            this.from = group.ranges().stream().mapToInt(Range::from).toArray();
            this.to = group.ranges().stream().mapToInt(Range::to).toArray();
            List<Transform> all = group.rule().transforms();
            this.accumulate = all.get(0) instanceof AccumulateGradients a ? a.steps() : 1;
            this.chain = accumulate == 1 && !(all.get(0) instanceof AccumulateGradients) ? all : all.subList(1, all.size());
            this.accumulator = all.get(0) instanceof AccumulateGradients ? state.buffer(AccumulateGradients.STATE) : null;
            for (Transform t : chain) {
                if (t instanceof AccumulateGradients) {
                    throw new IllegalArgumentException("rule '" + group.rule().id() + "': " + AccumulateGradients.ID
                            + " must be the first transform of the chain (it decides whether the rest runs)");
                }
            }
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("rule '" + group.rule().id() + "' has nothing after "
                        + AccumulateGradients.ID);
            }
            int lead = 0;
            while (lead < chain.size() && chain.get(lead).reduction() == Transform.Reduction.SCALE_BY_SUM_OF_SQUARES) {
                lead++;
            }
            int perTensor = -1;
            for (int i = lead; i < chain.size(); i++) {
                Transform.Reduction r = chain.get(i).reduction();
                if (r == Transform.Reduction.PER_TENSOR_NORMS && perTensor < 0) {
                    perTensor = i;
                } else if (r == Transform.Reduction.PER_TENSOR_NORMS) {
                    throw new IllegalArgumentException("rule '" + group.rule().id() + "' has two per-tensor "
                            + "reductions ('" + chain.get(perTensor).id() + "', '" + chain.get(i).id()
                            + "'); at most one is supported");
                } else if (r != Transform.Reduction.NONE) {
                    throw new IllegalArgumentException("rule '" + group.rule().id() + "': transform '"
                            + chain.get(i).id() + "' needs a reduction over its input, so it must come first in the "
                            + "chain (its input is then the gradient)");
                }
            }
            if (perTensor >= 0 && stateFormat != StateFormat.FLOAT32) {
                // Pass 1 of a per-tensor reduction replays the chain on float32 state; over compressed state its
                // equality with pass 2 is not established (not tested), so the combination is refused.
                throw new IllegalArgumentException("rule '" + group.rule().id() + "' has a per-tensor reduction ('"
                        + chain.get(perTensor).id() + "'), which needs stateFormat f32, got " + stateFormat.id());
            }
            this.perTensor = perTensor >= 0 ? new PerTensorPass(chain, perTensor, group.ranges()) : null;
            this.leadingScalers = lead;
            this.leadAt = new int[lead];
            for (int i = 1; i < lead; i++) {
                leadAt[i] = leadAt[i - 1] + chain.get(i - 1).scalarNames().size();
            }
            this.scalars = Chains.newScalars(chain);
            List<Transform> tail = chain.subList(lead, chain.size());
            KernelKey key = stateFormat.key(KernelKey.of(chain));
            Kernel fusedWhole = backend.kernel(key).orElse(null);
            Kernel fusedTail = lead > 0 && !tail.isEmpty() && backend.scalesGradient() && perTensor < 0
                    ? backend.kernel(stateFormat.key(KernelKey.of(tail))).orElse(null) : null;
            if (fusedWhole != null) {
                kernel = fusedWhole;
                float32Key = KernelKey.of(chain);
                tailScalars = null;
                description = key + " (fused)";
            } else if (fusedTail != null) {
                kernel = fusedTail;
                float32Key = KernelKey.of(tail);
                tailScalars = Chains.newScalars(tail);
                description = key + " (fused " + stateFormat.key(KernelKey.of(tail)) + ", leading reduction as gradient scale)";
            } else {
                kernel = backend.composed(compressed(org.optim4j.spi.ComposedKernel.of(chain), chain, false));
                float32Key = null;
                tailScalars = null;
                description = key + " (composed)";
                if (!backend.kernelKeys().isEmpty() && loggedFallbacks.add(backend.name() + "/" + key)) {
                    log.info("Backend '{}' has no fused kernel for {} (rule '{}'): running its transforms composed, "
                            + "element by element (exact, slower)", backend.name(), key, group.rule().id());
                }
            }
            this.tailOffset = scalars.values().length - (tailScalars == null ? 0 : tailScalars.values().length);
            List<String> ruleState = new ArrayList<>();
            for (Transform t : chain) {
                ruleState.addAll(t.stateNames());
            }
            this.args = new Buffer[2 + ruleState.size()];
            for (int i = 0; i < ruleState.size(); i++) {
                args[2 + i] = state.buffer(ruleState.get(i));
            }
            int la = -1;
            for (int i = 0; i < chain.size(); i++) {
                if (chain.get(i).lookahead().isPresent()) {
                    if (la >= 0) {
                        throw new IllegalArgumentException("rule '" + group.rule().id()
                                + "' has two look-ahead transforms; at most one is supported");
                    }
                    la = i;
                }
            }
            if (la >= 0 && perTensor >= 0) {
                throw new IllegalArgumentException("rule '" + group.rule().id() + "': a look-ahead transform cannot be "
                        + "combined with the per-tensor reduction of '" + chain.get(perTensor).id() + "'");
            }
            if (la >= 0 && accumulator != null) {
                throw new IllegalArgumentException("rule '" + group.rule().id() + "': gradient accumulation cannot be "
                        + "combined with a look-ahead transform (the look-ahead point moves only on applied steps)");
            }
            if (la >= 0) {
                List<Transform> twin = new ArrayList<>(chain);
                twin.set(la, chain.get(la).lookahead().orElseThrow().atPoint());
                lookahead = backend.kernel(stateFormat.key(KernelKey.lookahead(chain))).orElseGet(() -> backend.composed(
                        compressed(org.optim4j.spi.ComposedKernel.lookahead(chain), chain, true)));
                atPointChain = List.copyOf(twin);
                atPointScalars = Chains.newScalars(atPointChain);
                atPointKernel = backend.kernel(stateFormat.key(KernelKey.of(atPointChain))).orElseGet(() -> backend.composed(
                        compressed(org.optim4j.spi.ComposedKernel.of(atPointChain), atPointChain, false)));
            } else {
                lookahead = null;
                atPointChain = null;
                atPointScalars = null;
                atPointKernel = null;
            }
        }

        /** {@code k} itself for float32 state, else {@code k} run block by block over decoded state. */
        private Kernel compressed(Kernel k, List<Transform> chain, boolean isLookahead) {
            if (stateFormat == StateFormat.FLOAT32) {
                return k;
            }
            int states = Chains.stateCount(chain);
            return isLookahead ? CompressedKernel.lookahead(k, states) : CompressedKernel.step(k, states);
        }

        /** Computes this step's scalars (checking scheduled values): the first thing a step does, before any write. */
        void prepare(long t, boolean atPoint) {
            applies = t % accumulate == accumulate - 1;
            Chains.compute(chain, t / accumulate, scalars);
            if (atPoint && atPointChain != null) {
                Chains.compute(atPointChain, t, atPointScalars);
            }
        }

        /** x over this group's ranges (see {@link Optimizer#evaluationPoint}): θ unless a transform says otherwise. */
        void writeEvaluationPoint(Buffer theta, Buffer out, long step) {
            int e = -1, at = 0, stateAt = 0;
            for (int i = 0; i < chain.size() && e < 0; i++) {
                if (chain.get(i) instanceof EvaluationPoint) {
                    e = i;
                } else {
                    at += chain.get(i).scalarNames().size();
                    stateAt += chain.get(i).stateNames().size();
                }
            }
            long updates = step / accumulate;
            if (e < 0 || updates == 0) {
                for (int r = 0; r < from.length; r++) {
                    copy(theta, out, from[r], to[r]);
                }
                return;
            }
            EvaluationPoint point = (EvaluationPoint) chain.get(e);
            StepScalars last = Chains.compute(chain, updates - 1, Chains.newScalars(chain));
            Buffer[] mine = new Buffer[chain.get(e).stateNames().size()];
            for (int k = 0; k < mine.length; k++) {
                mine[k] = args[2 + stateAt + k];
            }
            int[] index = new int[1];
            org.optim4j.transform.StateAccess access = new org.optim4j.transform.StateAccess() {
                @Override
                public double get(int k) {
                    return mine[k].get(index[0]);
                }

                @Override
                public double set(int k, double value) {
                    throw new UnsupportedOperationException("the evaluation point reads the state only");
                }
            };
            for (int r = 0; r < from.length; r++) {
                for (int i = from[r]; i < to[r]; i++) {
                    index[0] = i;
                    out.set(i, point.evaluationPoint(theta.get(i), access, last.values(), at));
                }
            }
        }

        /** Writes the point where the gradient is taken over this group's ranges: the look-ahead, or θ itself. */
        void writePoint(Buffer theta, Buffer point) {
            args[0] = theta;
            args[1] = point;
            try {
                for (int r = 0; r < from.length; r++) {
                    if (lookahead != null) {
                        lookahead.apply(scalars, args, from[r], to[r]);
                    } else {
                        copy(theta, point, from[r], to[r]);
                    }
                }
            } finally {
                args[0] = null;
                args[1] = null;
            }
        }

        /** Folds Σg² over this group into the leading scalers' scalars. */
        void reduced(double sumOfSquares, boolean atPoint) {
            StepScalars s = atPoint && atPointChain != null ? atPointScalars : scalars;
            double[] c = s.values();
            double scale = 1;
            for (int i = 0; i < leadingScalers; i++) {
                chain.get(i).reduced(sumOfSquares * scale * scale, c, leadAt[i]);
                scale *= c[leadAt[i]];
            }
        }

        void run(Buffer theta, Buffer gradient, boolean atPoint) {
            if (accumulator != null) {
                // Σg over the micro-batches in the state buffer; on the k-th, the mean replaces the gradient.
                for (int r = 0; r < from.length; r++) {
                    for (int i = from[r]; i < to[r]; i++) {
                        double sum = accumulator.get(i) + gradient.get(i);
                        accumulator.set(i, applies ? sum / accumulate : sum);
                    }
                }
                if (!applies) {
                    return;
                }
                if (leadingScalers > 0) {
                    double sum = 0;
                    for (int r = 0; r < from.length; r++) {
                        sum += backend.sumOfSquares(accumulator, from[r], to[r]);
                    }
                    reduced(sum, false);
                }
                gradient = accumulator;
            }
            try {
                runChain(theta, gradient, atPoint);
            } finally {
                if (accumulator != null) {
                    for (int r = 0; r < from.length; r++) {
                        for (int i = from[r]; i < to[r]; i++) {
                            accumulator.set(i, 0);
                        }
                    }
                }
            }
        }

        private void runChain(Buffer theta, Buffer gradient, boolean atPoint) {
            Kernel k;
            StepScalars s;
            if (atPoint && atPointChain != null) {
                k = atPointKernel;
                s = atPointScalars;
            } else if (tailScalars != null) {
                double scale = 1;
                double[] c = scalars.values();
                for (int i = 0; i < leadingScalers; i++) {
                    scale *= c[leadAt[i]];
                }
                System.arraycopy(c, tailOffset, tailScalars.values(), 0, tailScalars.values().length);
                tailScalars.setStep(scalars.step()).setGradientScale(scale);
                k = kernel;
                s = tailScalars;
            } else {
                k = kernel;
                s = scalars;
            }
            Buffer[] a = args;
            if (mixed) {
                if (mixedKernel == null) { // the backend's fused mixed kernel (key@mixed), else composed, block by block
                    Kernel fused = float32Key == null ? null
                            : backend.kernel(new KernelKey(float32Key.value() + MIXED)).orElse(null);
                    if (float32Key != null && fused == null) {
                        throw new IllegalArgumentException("backend '" + backend.name() + "' has a fused kernel for "
                                + float32Key + " but none for mixed precision (" + float32Key + MIXED + ")");
                    }
                    mixedKernel = fused != null ? fused : backend.composed(
                            CompressedKernel.mixed(org.optim4j.spi.ComposedKernel.of(chain), args.length - 2));
                    mixedArgs = new Buffer[args.length + 1];
                }
                k = mixedKernel;
                System.arraycopy(args, 2, mixedArgs, 2, args.length - 2);
                a = mixedArgs;
                a[args.length] = mixedCopy;
            }
            a[0] = theta;
            a[1] = gradient;
            try {
                if (perTensor != null) {
                    // Pass 1 writes nothing; only once every tensor's norms are known does pass 2 write.
                    perTensor.reduce(s, args);
                    perTensor.apply(k, s, args);
                    return;
                }
                if (from.length == 1) {
                    k.apply(s, a, from[0], to[0]);
                } else {
                    k.applyRanges(s, a, from, to);
                }
            } finally {
                a[0] = null;
                a[1] = null;
                if (mixed) {
                    a[args.length] = null;
                }
            }
        }
    }

    /**
     * A chain with a {@link Transform.Reduction#PER_TENSOR_NORMS} transform at index {@code at}: the group's ranges
     * cut into pieces by tensor of the layout (a tensor's norms are over its elements in this group); pass 1
     * ({@link PrefixNorms}) sums ‖u‖² and ‖θ‖² per tensor without writing, pass 2 runs the step kernel piece by
     * piece with that tensor's reduction folded into the scalars.
     */
    private final class PerTensorPass {
        final Transform transform;
        final int scalarAt;
        final PrefixNorms prefix;
        final int[] pieceFrom;
        final int[] pieceTo;
        final int[] pieceTensor;
        /** Σu², Σθ² of each tensor (two per tensor), reused every step. */
        final double[] sums;
        private final double[] pair = new double[2];

        PerTensorPass(List<Transform> chain, int at, List<Range> ranges) {
            this.transform = chain.get(at);
            int offset = 0;
            for (int i = 0; i < at; i++) {
                offset += chain.get(i).scalarNames().size();
            }
            this.scalarAt = offset;
            this.prefix = new PrefixNorms(chain, at);
            List<int[]> pieces = new ArrayList<>();
            int tensor = 0;
            for (TensorSlot slot : tensors) {
                boolean any = false;
                for (Range r : ranges) {
                    int lo = Math.max(r.from(), slot.offset());
                    int hi = Math.min(r.to(), slot.end());
                    if (lo < hi) {
                        pieces.add(new int[] {lo, hi, tensor});
                        any = true;
                    }
                }
                tensor += any ? 1 : 0;
            }
            pieceFrom = pieces.stream().mapToInt(p -> p[0]).toArray();
            pieceTo = pieces.stream().mapToInt(p -> p[1]).toArray();
            pieceTensor = pieces.stream().mapToInt(p -> p[2]).toArray();
            sums = new double[2 * tensor];
        }

        void reduce(StepScalars s, Buffer[] args) {
            java.util.Arrays.fill(sums, 0);
            for (int p = 0; p < pieceFrom.length; p++) {
                pair[0] = 0;
                pair[1] = 0;
                prefix.accumulate(s, args, pieceFrom[p], pieceTo[p], pair);
                sums[2 * pieceTensor[p]] += pair[0];
                sums[2 * pieceTensor[p] + 1] += pair[1];
            }
        }

        void apply(Kernel k, StepScalars s, Buffer[] args) {
            double[] c = s.values();
            for (int p = 0; p < pieceFrom.length; p++) {
                int t = pieceTensor[p];
                transform.reducedPerTensor(sums[2 * t], sums[2 * t + 1], c, scalarAt);
                k.apply(s, args, pieceFrom[p], pieceTo[p]);
            }
        }
    }

    private static void copy(Buffer from, Buffer to, int lo, int hi) {
        if (from instanceof FloatArrayBuffer a && to instanceof FloatArrayBuffer b) {
            System.arraycopy(a.array(), lo, b.array(), lo, hi - lo);
        } else {
            for (int i = lo; i < hi; i++) {
                to.set(i, from.get(i));
            }
        }
    }

    /** Configures an {@link Optimizer}; every setter validates its argument at once. */
    public static final class Builder {
        private final UpdateRule rule;
        private Backend backend;
        private int parameterCount = -1;
        private ParameterSet layout;
        private NonFinitePolicy nonFinitePolicy = NonFinitePolicy.FAIL;
        private StateFormat stateFormat = StateFormat.FLOAT32;
        private int int8MinTensorSize = DEFAULT_INT8_MIN_TENSOR_SIZE;
        private boolean stochasticRounding;
        private long roundingSeed;
        private int skipLogInterval = DEFAULT_SKIP_LOG_INTERVAL;
        private final List<PendingGroup> groups = new ArrayList<>();

        private record PendingGroup(String name, UpdateRule rule, List<String> tensors, List<Range> ranges) {
        }

        private Builder(UpdateRule rule) {
            this.rule = rule;
        }

        /** The backend to run on; {@link Backends#select(UpdateRule, int)} when not set. */
        public Builder backend(Backend backend) {
            this.backend = Check.notNull("backend", backend);
            return this;
        }

        /** The number of parameters (≥ 0); required unless {@link #layout(ParameterSet)} is given. */
        public Builder parameterCount(int parameterCount) {
            if (parameterCount < 0) {
                throw new IllegalArgumentException("parameterCount must be >= 0, got " + parameterCount);
            }
            this.parameterCount = parameterCount;
            return this;
        }

        /** The tensor layout (names in snapshots and errors, groups by tensor name); sets the parameter count. */
        public Builder layout(ParameterSet layout) {
            this.layout = Check.notNull("layout", layout);
            this.parameterCount = layout.size();
            return this;
        }

        /** A group of the named tensors (of the {@link #layout}) with its own rule. */
        public Builder group(String name, UpdateRule rule, String... tensorNames) {
            groups.add(new PendingGroup(checkName(name), Check.notNull("rule", rule),
                    List.of(Check.notNull("tensorNames", tensorNames)), List.of()));
            return this;
        }

        /** A group of explicit element ranges with its own rule. */
        public Builder group(String name, UpdateRule rule, List<Range> ranges) {
            groups.add(new PendingGroup(checkName(name), Check.notNull("rule", rule), List.of(),
                    List.copyOf(Check.notNull("ranges", ranges))));
            return this;
        }

        private String checkName(String name) {
            Check.notNull("name", name);
            if (name.isBlank() || name.equals(DEFAULT_GROUP) || groups.stream().anyMatch(g -> g.name().equals(name))) {
                throw new IllegalArgumentException("group name '" + name + "' is blank, '" + DEFAULT_GROUP
                        + "' or used twice");
            }
            return name;
        }

        /** What to do with a non-finite gradient; {@link NonFinitePolicy#FAIL} when not set. */
        public Builder nonFinitePolicy(NonFinitePolicy policy) {
            this.nonFinitePolicy = Check.notNull("nonFinitePolicy", policy);
            return this;
        }

        /**
         * How the rules' state buffers are stored: {@link StateFormat#FLOAT32} (the default), {@code BF16} or
         * {@code INT8} (compressed formats need a backend whose buffers are {@code float[]}: scalar, simd).
         */
        public Builder stateFormat(StateFormat format) {
            this.stateFormat = Check.notNull("stateFormat", format);
            return this;
        }

        /**
         * With {@link StateFormat#INT8} state over a {@link #layout(ParameterSet) layout}: tensors of fewer elements
         * keep float32 state (bitsandbytes' {@code min_8bit_size}); default
         * {@value Optimizer#DEFAULT_INT8_MIN_TENSOR_SIZE}, 0 quantizes every tensor. Other formats ignore it.
         */
        public Builder int8MinTensorSize(int elements) {
            if (elements < 0) {
                throw new IllegalArgumentException("int8MinTensorSize must be >= 0, got " + elements);
            }
            this.int8MinTensorSize = elements;
            return this;
        }

        /**
         * bf16 state rounded stochastically at each step instead of to nearest even, reproducibly from
         * {@code seed} (the random number of an element depends on the seed, the state buffer, the step and the
         * element's index, not on threads). Only with {@link StateFormat#BF16}; checked at {@link #build()}.
         */
        public Builder stochasticRounding(long seed) {
            this.stochasticRounding = true;
            this.roundingSeed = seed;
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
         * @throws IllegalArgumentException if the parameter count was not set, a group names an unknown tensor or
         *                                  overlaps another, or the backend is not available
         */
        public Optimizer build() {
            if (parameterCount < 0) {
                throw new IllegalArgumentException("parameterCount must be set (>= 0) before build()");
            }
            if (stochasticRounding && stateFormat != StateFormat.BF16) {
                throw new IllegalArgumentException("stochasticRounding needs stateFormat bf16, got " + stateFormat.id());
            }
            return new Optimizer(this);
        }

        List<TensorSlot> tensors() {
            if (layout == null) {
                return List.of(new TensorSlot(WHOLE_TENSOR, 0, parameterCount));
            }
            return slots(layout);
        }

        /** The groups with their ranges, the default group (every unclaimed element) first. */
        List<ParameterGroup> groups(List<TensorSlot> tensors) {
            if (groups.isEmpty()) {
                return List.of(new ParameterGroup(DEFAULT_GROUP, rule, List.of(new Range(0, parameterCount))));
            }
            boolean[] claimed = new boolean[parameterCount];
            List<ParameterGroup> out = new ArrayList<>();
            for (PendingGroup g : groups) {
                List<Range> ranges = new ArrayList<>(g.ranges());
                for (String name : g.tensors()) {
                    TensorSlot slot = tensors.stream().filter(s -> s.name().equals(name)).findFirst()
                            .orElseThrow(() -> new IllegalArgumentException("group '" + g.name() + "' names tensor '"
                                    + name + "', which the layout does not have; it has "
                                    + tensors.stream().map(TensorSlot::name).toList()));
                    ranges.add(new Range(slot.offset(), slot.end()));
                }
                ranges.sort((a, b) -> Integer.compare(a.from(), b.from()));
                for (Range r : ranges) {
                    if (r.to() > parameterCount) {
                        throw new IllegalArgumentException("group '" + g.name() + "' range [" + r.from() + ", "
                                + r.to() + ") is beyond the " + parameterCount + " parameters");
                    }
                    for (int i = r.from(); i < r.to(); i++) {
                        if (claimed[i]) {
                            throw new IllegalArgumentException("group '" + g.name() + "' overlaps another group at "
                                    + "element " + i);
                        }
                        claimed[i] = true;
                    }
                }
                out.add(new ParameterGroup(g.name(), g.rule(), ranges));
            }
            List<Range> rest = new ArrayList<>();
            int i = 0;
            while (i < parameterCount) {
                if (claimed[i]) {
                    i++;
                    continue;
                }
                int start = i;
                while (i < parameterCount && !claimed[i]) {
                    i++;
                }
                rest.add(new Range(start, i));
            }
            if (parameterCount == 0) {
                rest.add(new Range(0, 0));
            }
            if (!rest.isEmpty() || out.isEmpty()) {
                out.add(0, new ParameterGroup(DEFAULT_GROUP, rule, rest));
            }
            return out;
        }
    }
}
