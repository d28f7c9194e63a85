package org.optim4j;

import java.util.ArrayList;
import java.util.List;
import org.optim4j.backend.Backends;
import org.optim4j.rule.Check;
import org.optim4j.rule.Nesterov;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.FloatArrayBuffer;
import org.optim4j.spi.Kernel;
import org.optim4j.spi.KernelId;
import org.optim4j.spi.StepScalars;

/**
 * One update rule applied to one flat parameter buffer on one backend: the step that training code
 * calls. It owns the rule's state (see {@link #state()}), checks every argument before it modifies
 * anything, computes the per-step scalars once, and hands the element-wise work to the backend's kernel.
 *
 * <p>Many tensors are updated together by laying them out in one flat buffer ({@link ParameterSet}).
 *
 * <p>Not thread-safe: one optimizer instance is stepped by one thread at a time. Distinct optimizers
 * may share a backend.
 *
 * <pre>{@code
 * Optimizer adam = Optimizer.create(Adam.defaults(), Backends.select(), n);
 * adam.step(params, grads);            // float[] on a heap backend, or Buffers of adam.backend()
 * }</pre>
 */
public final class Optimizer {
    private final UpdateRule rule;
    private final Backend backend;
    private final int parameterCount;
    private final OptimizerState state;
    private final Kernel kernel;
    private final StepScalars scalars = new StepScalars();
    /** θ, g, then the state buffers, in the order of the rule's kernel. Reused every step. */
    private final Buffer[] kernelArgs;

    // Nesterov's spec form only: look-ahead kernel, momentum kernel, and two scratch buffers made on first use.
    private final Kernel lookahead;
    private final Kernel momentum;
    private Buffer gradientScratch;
    private Buffer[] lookaheadArgs;

    private Optimizer(UpdateRule rule, Backend backend, int parameterCount) {
        this.rule = Check.notNull("rule", rule);
        this.backend = Check.notNull("backend", backend);
        if (parameterCount < 0) {
            throw new IllegalArgumentException("parameterCount must be >= 0, got " + parameterCount);
        }
        if (!backend.availability().available()) {
            throw new IllegalArgumentException("backend '" + backend.name() + "' is not available: "
                    + backend.availability().reason());
        }
        this.parameterCount = parameterCount;
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

    /** An optimizer for {@code parameterCount} parameters, its state zeroed, step counter 0. */
    public static Optimizer create(UpdateRule rule, Backend backend, int parameterCount) {
        return new Optimizer(rule, backend, parameterCount);
    }

    /** As {@link #create(UpdateRule, Backend, int)} on the backend {@link Backends#select()} picks. */
    public static Optimizer create(UpdateRule rule, int parameterCount) {
        return new Optimizer(rule, Backends.select(), parameterCount);
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

    /** The step counter and state buffers (live). */
    public OptimizerState state() {
        return state;
    }

    /** A new zeroed buffer of this optimizer's length on its backend (for parameters or gradients). */
    public Buffer newBuffer() {
        return backend.allocate(parameterCount);
    }

    /**
     * One step with the gradient {@code gradient} taken at {@code parameters}. For {@link Nesterov} this
     * is the reparametrised form: {@code parameters} hold θ̃ = θ + ρ·s.
     *
     * @throws IllegalArgumentException if a buffer is null, of another length or of another backend;
     *                                  nothing is modified then
     */
    public void step(Buffer parameters, Buffer gradient) {
        checkBuffer("parameters", parameters);
        checkBuffer("gradient", gradient);
        long t = state.step();
        rule.scalars(t, scalars);
        kernelArgs[0] = parameters;
        kernelArgs[1] = gradient;
        kernel.apply(scalars, kernelArgs, 0, parameterCount);
        state.setStep(t + 1);
    }

    /** {@link #step(Buffer, Buffer)} over heap arrays; the backend must store buffers as {@code float[]}. */
    public void step(float[] parameters, float[] gradient) {
        Check.notNull("parameters", parameters);
        Check.notNull("gradient", gradient);
        step(FloatArrayBuffer.wrap(parameters), FloatArrayBuffer.wrap(gradient));
    }

    /**
     * One step that evaluates the gradient itself. For {@link Nesterov} this is the spec form: the
     * gradient is taken at θ + ρ·s, then {@code s = ρ·s − α·g; θ = θ + s}. For every other rule the
     * gradient is taken at {@code parameters}. If {@code gradientFunction} throws, nothing is modified.
     */
    public void step(Buffer parameters, GradientFunction gradientFunction) {
        checkBuffer("parameters", parameters);
        Check.notNull("gradientFunction", gradientFunction);
        if (gradientScratch == null) {
            gradientScratch = backend.allocate(parameterCount);
        }
        if (lookahead == null) {
            gradientFunction.gradient(parameters, gradientScratch);
            step(parameters, gradientScratch);
            return;
        }
        if (lookaheadArgs == null) {
            lookaheadArgs = new Buffer[] {null, state.buffers().get(0), backend.allocate(parameterCount)};
        }
        long t = state.step();
        rule.scalars(t, scalars);
        lookaheadArgs[0] = parameters;
        lookahead.apply(scalars, lookaheadArgs, 0, parameterCount);
        gradientFunction.gradient(lookaheadArgs[2], gradientScratch);
        kernelArgs[0] = parameters;
        kernelArgs[1] = gradientScratch;
        momentum.apply(scalars, kernelArgs, 0, parameterCount);
        state.setStep(t + 1);
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

    @Override
    public String toString() {
        return "Optimizer[" + rule + " on " + backend.name() + ", " + parameterCount + " parameters, step "
                + state.step() + "]";
    }
}
