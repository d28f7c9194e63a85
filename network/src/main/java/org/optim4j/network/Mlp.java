package org.optim4j.network;

import java.util.Random;
import org.optim4j.GradientFunction;
import org.optim4j.internal.Check;
import org.optim4j.spi.Buffer;

/**
 * A multilayer perceptron with a softmax cross-entropy loss (spec, "The neural network"):
 * z⁽ˡ⁾ = W⁽ˡ⁾·a⁽ˡ⁻¹⁾ + b⁽ˡ⁾, a⁽ˡ⁾ = g⁽ˡ⁾(z⁽ˡ⁾), loss = mean over the batch of −log softmax(z⁽ᴸ⁾)_y.
 *
 * <p>The network holds no parameters: they are a flat {@link Buffer} of any backend laid out as
 * {@link MlpArchitecture} describes, so one optimizer updates the whole network and the gradient can
 * be taken at any point (Nesterov's look-ahead; see {@link #objective(Batch)}). This class checks
 * every argument, then hands the arithmetic to its {@link Engine}.
 *
 * <pre>{@code
 * Mlp mlp = Mlp.create(MlpArchitecture.of(Activation.RELU, 64, 128, 64, 10), Engine.JAVA, 32);
 * Buffer theta = optimizer.newBuffer();
 * mlp.initialise(theta, seed);
 * optimizer.step(theta, mlp.objective(batch));   // refill batch, step again
 * }</pre>
 *
 * <p>Float32 throughout. Not thread-safe (the engine reuses its work space); allocates nothing per call.
 */
public final class Mlp {
    private final MlpArchitecture architecture;
    private final Engine engine;
    private final int capacity;
    private final MlpEngine impl;

    private Mlp(MlpArchitecture architecture, Engine engine, int capacity) {
        this.architecture = Check.notNull("architecture", architecture);
        this.engine = Check.notNull("engine", engine);
        if (capacity < 1) {
            throw new IllegalArgumentException("batch capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
        this.impl = engine.create(architecture, capacity);
    }

    /** A network that takes batches of up to {@code batchCapacity} rows. */
    public static Mlp create(MlpArchitecture architecture, Engine engine, int batchCapacity) {
        return new Mlp(architecture, engine, batchCapacity);
    }

    public MlpArchitecture architecture() {
        return architecture;
    }

    public Engine engine() {
        return engine;
    }

    public int batchCapacity() {
        return capacity;
    }

    /**
     * Seeded initialisation: W⁽ˡ⁾ ~ N(0, 2/n_{l−1}) (He) before a ReLU, N(0, 2/(n_{l−1} + n_l))
     * (Xavier/Glorot) otherwise; every bias 0. The same seed gives the same bits.
     */
    public void initialise(Buffer theta, long seed) {
        checkParameters("theta", theta);
        float[] values = new float[architecture.parameterCount()];
        Random random = new Random(seed);
        for (int l = 1; l <= architecture.layerCount(); l++) {
            int nIn = architecture.size(l - 1);
            int nOut = architecture.size(l);
            double std = architecture.activation(l) == Activation.RELU
                    ? Math.sqrt(2.0 / nIn) : Math.sqrt(2.0 / (nIn + nOut));
            int w = architecture.weightOffset(l);
            for (int i = 0; i < nOut * nIn; i++) {
                values[w + i] = (float) (std * random.nextGaussian());
            }
        }
        theta.copyFrom(values);
    }

    /**
     * The mean cross-entropy of the batch at {@code theta}, with its gradient written into {@code gradient}.
     *
     * @throws IllegalArgumentException if a shape does not fit (the message gives both shapes) or a label
     *                                  is out of range; nothing is written then
     */
    public double lossAndGradient(Buffer theta, Batch batch, Buffer gradient) {
        checkParameters("theta", theta);
        checkParameters("gradient", gradient);
        checkBatch(batch, true);
        return impl.lossAndGradient(theta, batch, gradient);
    }

    /** The logits z⁽ᴸ⁾ of every row: {@code rows × classes} values, row-major, written into {@code logits}. */
    public void logits(Buffer theta, Batch batch, float[] logits) {
        checkParameters("theta", theta);
        checkBatch(batch, false);
        Check.notNull("logits", logits);
        int need = batch.rows() * architecture.classCount();
        if (logits.length < need) {
            throw new IllegalArgumentException("logits has length " + logits.length + " but the batch needs ["
                    + batch.rows() + " × " + architecture.classCount() + "] = " + need);
        }
        impl.logits(theta, batch, logits);
    }

    /**
     * The gradient function θ' ↦ ∇R(θ') of the mean loss on {@code batch}, for
     * {@link org.optim4j.Optimizer#step(Buffer, GradientFunction)} (Nesterov's spec form evaluates it at
     * θ + ρ·s). The batch is read at each call, so refill it and step again.
     */
    public Objective objective(Batch batch) {
        checkBatch(batch, false);
        return new Objective(batch);
    }

    /** The mean loss on one (refillable) batch as a gradient function; remembers the last loss it computed. */
    public final class Objective implements GradientFunction {
        private final Batch batch;
        private double lastLoss = Double.NaN;

        private Objective(Batch batch) {
            this.batch = batch;
        }

        @Override
        public void gradient(Buffer point, Buffer gradient) {
            lastLoss = lossAndGradient(point, batch, gradient);
        }

        /** The loss at the point of the last {@link #gradient} call (NaN before the first). */
        public double lastLoss() {
            return lastLoss;
        }

        public Batch batch() {
            return batch;
        }
    }

    private void checkParameters(String name, Buffer buffer) {
        Check.notNull(name, buffer);
        if (buffer.length() != architecture.parameterCount()) {
            throw new IllegalArgumentException(name + " has length " + buffer.length() + " but network "
                    + architecture + " has " + architecture.parameterCount() + " parameters");
        }
    }

    private void checkBatch(Batch batch, boolean labels) {
        Check.notNull("batch", batch);
        if (batch.featureCount() != architecture.inputSize() || batch.rows() > capacity) {
            throw new IllegalArgumentException("batch has shape " + batch.shape() + " but the network takes [1.."
                    + capacity + " × " + architecture.inputSize() + "]");
        }
        if (labels) {
            if (batch.rows() == 0) {
                throw new IllegalArgumentException("batch has shape " + batch.shape()
                        + ": the loss of no rows is undefined");
            }
            int[] y = batch.labels();
            for (int r = 0; r < batch.rows(); r++) {
                if (y[r] < 0 || y[r] >= architecture.classCount()) {
                    throw new IllegalArgumentException("label " + y[r] + " of batch row " + r
                            + " is outside the network's classes 0.." + (architecture.classCount() - 1));
                }
            }
        }
    }

    @Override
    public String toString() {
        return "Mlp[" + architecture + ", " + engine.id() + " engine, batch <= " + capacity + "]";
    }
}
