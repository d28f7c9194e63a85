package org.optim4j.interop.tribuo;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.optim4j.backend.Backends;
import org.optim4j.backend.scalar.ScalarFloat64Backend;
import org.optim4j.rule.Rules;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.Chains;
import org.optim4j.spi.DoubleArrayBuffer;
import org.optim4j.spi.Kernel;
import org.optim4j.spi.StepScalars;
import org.optim4j.transform.Transform;
import org.tribuo.math.Parameters;
import org.tribuo.math.StochasticGradientOptimiser;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.math.la.DenseSparseMatrix;
import org.tribuo.math.la.DenseVector;
import org.tribuo.math.la.MatrixTuple;
import org.tribuo.math.la.SparseVector;
import org.tribuo.math.la.Tensor;
import org.tribuo.math.la.VectorTuple;

/**
 * Any registered optim4j rule as a Tribuo {@link StochasticGradientOptimiser}, in double precision on optim4j's
 * {@code scalar-f64} backend (the rule's chain, composed from its transforms' exact float64 reference).
 *
 * <pre>{@code
 * new LinearSGDTrainer(new LogMulticlass(), new Optim4jOptimiser("adam", "lr=0.01"), 10, 1000, 1, 42L)
 * }</pre>
 *
 * <p>Conventions handled: Tribuo hands {@link #step} the <em>negative</em> gradient times nothing else and adds the
 * result to the parameters; the example (or averaged minibatch) weight w scales the gradient, as Tribuo's own SGD
 * and AdaGrad do. So optim4j sees the gradient ∇ = −w·g̃ and the returned update is its u (θ ← θ + u).
 *
 * <p>Sparse tensors ({@link DenseSparseMatrix}, {@link SparseVector}: the gradients of sparse examples) are
 * stepped <b>lazily</b>, as Tribuo's built-ins do: only the entries present in the update are touched; the
 * state of an absent entry is neither decayed nor counted (its momentum waits), and the step counter t is the
 * optimiser's (one per {@code step} call), so Adam's bias correction uses the global t (as PyTorch's SparseAdam).
 * A dense tensor is every entry. The present entries are gathered into scratch arrays (one copy in and out per
 * step: Tribuo's tensors hide their storage).
 *
 * <p>A rule whose update reads θ (AdamW's decay) reads it from the live parameters given to
 * {@link #initialise(Parameters)}; its returned update is then θ_new − θ_old (exact for the other rules, where
 * θ is not read: their chain runs on θ₀ = 0, so θ_new = u).
 */
public final class Optim4jOptimiser implements StochasticGradientOptimiser {
    @Config(mandatory = true, description = "optim4j rule id: sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, "
            + "or any registered rule")
    private String rule;

    @Config(description = "hyper-parameters as key=value,key=value (lr=0.01,beta1=0.9); a value may be an optim4j "
            + "schedule such as linear:0.1,0.01,1000")
    private String hyperParameters = "";

    private transient List<Transform> chain;
    private transient StepScalars scalars;
    private transient Kernel kernel;
    private transient boolean readsTheta;
    private transient int stateCount;
    private transient int leading;
    private transient int[] leadAt;

    private Tensor[] parameters;
    /** [tensor][state buffer][flat index]. */
    private double[][][] state;
    private long step;
    // scratch, grown as needed
    private int[][] index = new int[0][];
    private double[][] grad = new double[0][];
    private int[] count = new int[0];
    private double[] theta = new double[0];
    private double[] theta0 = new double[0];
    private double[][] st = new double[0][];

    /** For OLCUT. */
    private Optim4jOptimiser() {
    }

    /** The rule {@code rule} with hyper-parameters {@code key=value,…} (empty: the rule's defaults). */
    public Optim4jOptimiser(String rule, String hyperParameters) {
        this.rule = rule;
        this.hyperParameters = hyperParameters == null ? "" : hyperParameters;
        postConfig();
    }

    /** The rule {@code rule} with its default hyper-parameters. */
    public Optim4jOptimiser(String rule) {
        this(rule, "");
    }

    @Override
    public void postConfig() {
        UpdateRule r = Rules.create(rule, Rules.parse(rule, hyperParameters));
        chain = r.transforms();
        for (Transform t : chain) {
            if (t.reduction() == Transform.Reduction.PER_TENSOR_NORMS) {
                throw new IllegalArgumentException("rule '" + rule + "' needs per-tensor norms ('" + t.id() + "'), which "
                        + "the Tribuo adapter does not compute (its updates may be sparse); train it with optim4j's "
                        + "Optimizer and a ParameterSet layout");
            }
        }
        scalars = Chains.newScalars(chain);
        Backend backend = Backends.byName(ScalarFloat64Backend.NAME);
        kernel = Chains.stepKernel(backend, chain);
        stateCount = r.stateNames().size();
        readsTheta = readsParameters(chain, scalars);
        int lead = 0;
        while (lead < chain.size() && chain.get(lead).reduction() == Transform.Reduction.SCALE_BY_SUM_OF_SQUARES) {
            lead++;
        }
        leading = lead;
        leadAt = new int[lead];
        for (int i = 1; i < lead; i++) {
            leadAt[i] = leadAt[i - 1] + chain.get(i - 1).scalarNames().size();
        }
    }

    private static boolean readsParameters(List<Transform> chain, StepScalars scalars) {
        Chains.compute(chain, 0, scalars);
        int at = 0;
        for (Transform t : chain) {
            double[] a = new double[t.stateNames().size()], b = new double[a.length];
            Arrays.fill(a, 0.25);
            Arrays.fill(b, 0.25);
            double ua = t.reference(0.5, 0.0, access(a), scalars.values(), at);
            double ub = t.reference(0.5, 1.75, access(b), scalars.values(), at);
            if (Double.doubleToLongBits(ua) != Double.doubleToLongBits(ub) || !Arrays.equals(a, b)) {
                return true;
            }
            at += t.scalarNames().size();
        }
        return false;
    }

    private static org.optim4j.transform.StateAccess access(double[] s) {
        return new org.optim4j.transform.StateAccess() {
            @Override
            public double get(int k) {
                return s[k];
            }

            @Override
            public double set(int k, double value) {
                s[k] = value;
                return value;
            }
        };
    }

    /** The rule id. */
    public String rule() {
        return rule;
    }

    /** The hyper-parameter text. */
    public String hyperParameters() {
        return hyperParameters;
    }

    /** Steps taken since {@link #initialise} (the t of the next step). */
    public long steps() {
        return step;
    }

    @Override
    public void initialise(Parameters p) {
        parameters = p.get();
        state = new double[parameters.length][stateCount][];
        for (int i = 0; i < parameters.length; i++) {
            int n = Tensor.shapeSum(parameters[i].getShape());
            for (int k = 0; k < stateCount; k++) {
                state[i][k] = new double[n];
            }
        }
        step = 0;
    }

    @Override
    public Tensor[] step(Tensor[] updates, double weight) {
        if (state == null) {
            throw new IllegalStateException("initialise(parameters) must be called before step");
        }
        if (updates.length != state.length) {
            throw new IllegalArgumentException("got " + updates.length + " tensors but initialise saw " + state.length);
        }
        Chains.compute(chain, step, scalars); // checks scheduled values before anything is modified
        ensure(updates.length);
        double sum = 0;
        for (int i = 0; i < updates.length; i++) {
            count[i] = gather(updates[i], i, -weight);
            for (int j = 0; j < count[i]; j++) {
                sum += grad[i][j] * grad[i][j];
            }
        }
        if (leading > 0) {
            double[] c = scalars.values();
            double scale = 1;
            for (int l = 0; l < leading; l++) {
                chain.get(l).reduced(sum * scale * scale, c, leadAt[l]);
                scale *= c[leadAt[l]];
            }
        }
        for (int i = 0; i < updates.length; i++) {
            int m = count[i];
            grow(m);
            int[] idx = index[i];
            if (readsTheta) {
                int cols = parameters[i].getShape().length == 2 ? parameters[i].getShape()[1] : 1;
                for (int j = 0; j < m; j++) {
                    theta[j] = value(parameters[i], idx[j], cols);
                    theta0[j] = theta[j];
                }
            } else {
                Arrays.fill(theta, 0, m, 0.0);
            }
            Buffer[] args = new Buffer[2 + stateCount];
            args[0] = DoubleArrayBuffer.wrap(theta);
            args[1] = DoubleArrayBuffer.wrap(grad[i]);
            for (int k = 0; k < stateCount; k++) {
                double[] s = state[i][k];
                for (int j = 0; j < m; j++) {
                    st[k][j] = s[idx[j]];
                }
                args[2 + k] = DoubleArrayBuffer.wrap(st[k]);
            }
            kernel.apply(scalars, args, 0, m);
            for (int k = 0; k < stateCount; k++) {
                double[] s = state[i][k];
                for (int j = 0; j < m; j++) {
                    s[idx[j]] = st[k][j];
                }
            }
            if (readsTheta) {
                for (int j = 0; j < m; j++) {
                    theta[j] -= theta0[j];
                }
            }
            scatter(updates[i], idx, m);
        }
        step++;
        return updates;
    }

    /** Gathers the present entries of {@code t} (flat indices and −w·value) into the scratch of tensor {@code i}. */
    private int gather(Tensor t, int i, double factor) {
        int n = Tensor.shapeSum(t.getShape());
        if (index[i] == null || index[i].length < n) {
            index[i] = new int[n];
            grad[i] = new double[n];
        }
        int[] idx = index[i];
        double[] g = grad[i];
        int m = 0;
        if (t instanceof DenseMatrix d) {
            int rows = d.getDimension1Size(), cols = d.getDimension2Size();
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    idx[m] = r * cols + c;
                    g[m++] = factor * d.get(r, c);
                }
            }
        } else if (t instanceof DenseVector v) {
            for (int r = 0; r < v.size(); r++) {
                idx[m] = r;
                g[m++] = factor * v.get(r);
            }
        } else if (t instanceof DenseSparseMatrix s) {
            int cols = s.getDimension2Size();
            Iterator<MatrixTuple> it = s.iterator();
            while (it.hasNext()) {
                MatrixTuple e = it.next();
                idx[m] = e.i * cols + e.j;
                g[m++] = factor * e.value;
            }
        } else if (t instanceof SparseVector s) {
            for (VectorTuple e : s) {
                idx[m] = e.index;
                g[m++] = factor * e.value;
            }
        } else {
            throw new IllegalArgumentException("optim4j's Tribuo optimiser handles DenseMatrix, DenseVector, "
                    + "DenseSparseMatrix and SparseVector, got " + t.getClass().getName());
        }
        return m;
    }

    /** Writes the update (theta[0, m)) back into the present entries of {@code t}. */
    private void scatter(Tensor t, int[] idx, int m) {
        if (t instanceof DenseMatrix d) {
            int cols = d.getDimension2Size();
            for (int j = 0; j < m; j++) {
                d.set(idx[j] / cols, idx[j] % cols, theta[j]);
            }
        } else if (t instanceof DenseVector v) {
            for (int j = 0; j < m; j++) {
                v.set(idx[j], theta[j]);
            }
        } else {
            // sparse: every stored entry in storage order, the order gather's iterator visited them in
            int[] k = {0};
            t.foreachInPlace(x -> theta[k[0]++]);
            if (k[0] != m) {
                throw new IllegalStateException("tensor " + t.getClass().getName() + " visited " + k[0]
                        + " entries in foreachInPlace but " + m + " in its iterator");
            }
        }
    }

    private static double value(Tensor t, int flat, int cols) {
        if (t instanceof DenseMatrix d) {
            return d.get(flat / cols, flat % cols);
        }
        if (t instanceof DenseVector v) {
            return v.get(flat);
        }
        throw new IllegalArgumentException("parameters of type " + t.getClass().getName() + " are not supported");
    }

    private void ensure(int tensors) {
        if (index.length < tensors) {
            index = Arrays.copyOf(index, tensors);
            grad = Arrays.copyOf(grad, tensors);
            count = new int[tensors];
        }
    }

    private void grow(int m) {
        if (theta.length < m) {
            theta = new double[m];
            theta0 = new double[m];
            st = new double[stateCount][m];
        } else if (st.length != stateCount) {
            st = new double[stateCount][theta.length];
        }
    }

    @Override
    public void reset() {
        parameters = null;
        state = null;
        step = 0;
    }

    @Override
    public Optim4jOptimiser copy() {
        return new Optim4jOptimiser(rule, hyperParameters);
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "StochasticGradientOptimiser");
    }

    @Override
    public String toString() {
        return "Optim4jOptimiser(rule=" + rule + ",hyperParameters=" + hyperParameters + ")";
    }
}
