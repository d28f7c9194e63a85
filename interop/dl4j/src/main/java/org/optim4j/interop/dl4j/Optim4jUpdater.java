package org.optim4j.interop.dl4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonAutoDetect;
import org.nd4j.shade.jackson.annotation.JsonIgnore;
import org.nd4j.shade.jackson.annotation.JsonInclude;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.optim4j.rule.RuleType;
import org.optim4j.rule.Rules;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;
import org.optim4j.spi.Chains;
import org.optim4j.spi.StepScalars;
import org.optim4j.transform.Param;
import org.optim4j.transform.Params;
import org.optim4j.transform.StateAccess;
import org.optim4j.transform.Transform;

/**
 * Any registered optim4j rule as a DL4J {@link IUpdater}: usable wherever DL4J takes an updater
 * ({@code .updater(…)}, {@code .biasUpdater(…)}, per layer).
 *
 * <pre>{@code
 * .updater(Optim4jUpdater.of("adam", Map.of("lr", 1e-3)))             // the spec's Adam (ε after bias correction)
 * .updater(Optim4jUpdater.dl4jAdam(1e-3))                            // DL4J's own Adam numbers, on optim4j
 * .updater(Optim4jUpdater.parse("sgd", "lr=linear:0.1,0.01,1000"))   // an optim4j schedule
 * .updater(Optim4jUpdater.of("momentum").withSchedule("lr", new ExponentialSchedule(ScheduleType.EPOCH, 0.1, 0.9)))
 * }</pre>
 *
 * <p>The configuration is the rule id, constant hyper-parameters by name and DL4J {@link ISchedule}s by name
 * (optim4j schedules travel as {@link Optim4jSchedule}); names are canonicalised ({@code lr} → {@code
 * learning_rate}), so equal configurations are {@code equals} (DL4J then merges adjacent parameters into one
 * updater block) and the JSON of a network configuration round-trips.
 *
 * <p>State: the rule's k state buffers (k = {@code stateNames().size()}), laid block-wise over DL4J's state view
 * (k·n elements for n parameters: s over [0, n), r over [n, 2n), …); no step counter is kept (DL4J passes the
 * iteration), so the view is everything {@code ModelSerializer} needs and Spark's parameter averaging is sound.
 *
 * <p>DL4J gives the updater the gradient only, not the parameters, so a rule whose update reads θ (AdamW's
 * decoupled decay) is refused here: use {@code adam} with DL4J's {@code .regularization(new WeightDecay(λ, true))},
 * which adds α·λ·θ to the update after the updater, the same decoupled decay.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        setterVisibility = JsonAutoDetect.Visibility.NONE, isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public final class Optim4jUpdater implements IUpdater {
    private static final long serialVersionUID = 1L;

    static {
        Dl4jAdam.register();
    }

    @JsonProperty("rule")
    private String rule;
    @JsonProperty("values")
    private TreeMap<String, Double> values = new TreeMap<>();
    @JsonProperty("schedules")
    private TreeMap<String, ISchedule> schedules = new TreeMap<>();
    @JsonIgnore
    private transient int stateCount = -1;

    /** For JSON only. */
    private Optim4jUpdater() {
    }

    private Optim4jUpdater(String rule, Map<String, Double> values, Map<String, ISchedule> schedules) {
        this.rule = rule;
        this.values = new TreeMap<>(values);
        this.schedules = new TreeMap<>(schedules);
        validate();
    }

    /** The rule {@code id} with its default hyper-parameters. */
    public static Optim4jUpdater of(String id) {
        return of(id, Map.of());
    }

    /**
     * The rule {@code id} with constant hyper-parameters by name or alias ({@code lr}, {@code beta1}, …).
     *
     * @throws IllegalArgumentException for an unknown rule or parameter, a value out of range, or a rule whose
     *                                  update reads the parameters
     */
    public static Optim4jUpdater of(String id, Map<String, ? extends Number> hyperParameters) {
        Dl4jAdam.register();
        RuleType type = Rules.type(id);
        Map<String, Double> v = new TreeMap<>();
        for (Map.Entry<String, ? extends Number> e : hyperParameters.entrySet()) {
            String name = canonical(type, e.getKey());
            if (v.put(name, e.getValue().doubleValue()) != null) {
                throw new IllegalArgumentException("rule '" + id + "': " + name + " is given twice");
            }
        }
        return new Optim4jUpdater(id, v, Map.of());
    }

    /** The rule {@code id} with hyper-parameters as the command line takes them: {@code lr=0.01,beta1=0.9} or schedules. */
    public static Optim4jUpdater parse(String id, String hyperParameters) {
        Dl4jAdam.register();
        RuleType type = Rules.type(id);
        Map<String, Double> v = new TreeMap<>();
        Map<String, ISchedule> s = new TreeMap<>();
        for (Map.Entry<String, Schedule> e : Rules.parse(id, hyperParameters).entrySet()) {
            String name = canonical(type, e.getKey());
            double c = e.getValue().constantValue();
            if (!Double.isNaN(c)) {
                v.put(name, c);
            } else if (e.getValue() instanceof Schedule.Encodable enc) {
                List<String> parts = new ArrayList<>();
                enc.parameters().values().forEach(n -> parts.add(n.toString()));
                s.put(name, new Optim4jSchedule(enc.kind() + ":" + String.join(",", parts)));
            } else {
                throw new IllegalArgumentException("schedule " + e.getValue() + " cannot be written to DL4J JSON");
            }
        }
        return new Optim4jUpdater(id, v, s);
    }

    /** The spec's Adam (ε after bias correction) with learning rate α. */
    public static Optim4jUpdater adam(double alpha) {
        return of("adam", Map.of("learning_rate", alpha));
    }

    /** Adam in DL4J's convention ({@value Dl4jAdam#ID}): the same numbers as {@code new Adam(alpha)}. */
    public static Optim4jUpdater dl4jAdam(double alpha) {
        return of(Dl4jAdam.ID, Map.of("learning_rate", alpha));
    }

    /** Adam in DL4J's convention with DL4J's {@code Adam(α, β₁, β₂, ε)} hyper-parameters. */
    public static Optim4jUpdater dl4jAdam(double alpha, double beta1, double beta2, double epsilon) {
        return of(Dl4jAdam.ID, Map.of("learning_rate", alpha, "rho1", beta1, "rho2", beta2, "epsilon", epsilon));
    }

    /** A copy with hyper-parameter {@code name} following a DL4J schedule (evaluated at DL4J's iteration and epoch). */
    public Optim4jUpdater withSchedule(String name, ISchedule schedule) {
        Objects.requireNonNull(schedule, "schedule");
        String n = canonical(Rules.type(rule), name);
        Map<String, Double> v = new TreeMap<>(values);
        v.remove(n);
        Map<String, ISchedule> s = new TreeMap<>(schedules);
        s.put(n, schedule);
        return new Optim4jUpdater(rule, v, s);
    }

    /** The rule id. */
    public String rule() {
        return rule;
    }

    /** Constant hyper-parameters by canonical name (others take the rule's defaults or a schedule). */
    public Map<String, Double> values() {
        return java.util.Collections.unmodifiableMap(values);
    }

    /** Scheduled hyper-parameters by canonical name. */
    public Map<String, ISchedule> schedules() {
        return java.util.Collections.unmodifiableMap(schedules);
    }

    /**
     * The optim4j rule of this configuration; DL4J schedules are read at the iteration and at the epoch that
     * {@code epoch} holds when the step's scalars are computed.
     */
    UpdateRule toRule(int[] epoch) {
        Map<String, Schedule> m = new LinkedHashMap<>();
        values.forEach((k, v) -> m.put(k, k.equals(Params.LEARNING_RATE.name()) ? Schedule.constant(v)
                : Schedule.fixed(v)));
        schedules.forEach((k, s) -> m.put(k, s instanceof Optim4jSchedule o ? o.schedule() : new Dl4jScheduleRate(s, epoch)));
        return Rules.create(rule, m);
    }

    private void validate() {
        Dl4jAdam.register();
        UpdateRule r = toRule(new int[1]);
        for (Transform t : r.transforms()) {
            if (t.reduction() == Transform.Reduction.PER_TENSOR_NORMS) {
                throw new IllegalArgumentException("rule '" + rule + "' needs per-tensor norms ('" + t.id() + "'), which "
                        + "the DL4J adapter does not compute (an updater block may hold several tensors); train it with "
                        + "optim4j's Optimizer and a ParameterSet layout");
            }
        }
        if (readsParameters(r)) {
            throw new IllegalArgumentException("rule '" + rule + "' reads the parameters θ in its update, but a DL4J "
                    + "updater is given the gradient only; use 'adam' with DL4J's regularization(new WeightDecay(λ, "
                    + "true)) for AdamW's decoupled weight decay");
        }
        stateCount = r.stateNames().size();
    }

    /** True when some transform's update depends on θ (probed at two values of θ with equal state and input). */
    static boolean readsParameters(UpdateRule r) {
        List<Transform> chain = r.transforms();
        StepScalars scalars = Chains.compute(chain, 0, Chains.newScalars(chain));
        int at = 0;
        for (Transform t : chain) {
            double[] a = new double[t.stateNames().size()], b = new double[a.length];
            java.util.Arrays.fill(a, 0.25);
            java.util.Arrays.fill(b, 0.25);
            double ua = t.reference(0.5, 0.0, access(a), scalars.values(), at);
            double ub = t.reference(0.5, 1.75, access(b), scalars.values(), at);
            if (Double.doubleToLongBits(ua) != Double.doubleToLongBits(ub) || !java.util.Arrays.equals(a, b)) {
                return true;
            }
            at += t.scalarNames().size();
        }
        return false;
    }

    private static StateAccess access(double[] s) {
        return new StateAccess() {
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

    private static String canonical(RuleType type, String key) {
        for (Param p : type.params()) {
            if (p.answersTo(key)) {
                return p.name();
            }
        }
        throw new IllegalArgumentException("rule '" + type.id() + "' has no hyper-parameter '" + key + "'; it has "
                + type.params().stream().map(Param::name).toList());
    }

    int stateCount() {
        if (stateCount < 0) {
            validate();
        }
        return stateCount;
    }

    @Override
    public long stateSize(long numParams) {
        return stateCount() * numParams;
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        Optim4jGradientUpdater u = new Optim4jGradientUpdater(this);
        if (stateCount() > 0) {
            long[] shape = viewArray.shape().clone();
            shape[shape.length - 1] /= stateCount();
            u.setStateViewArray(viewArray, shape, viewArray.ordering(), initializeViewArray);
        }
        return u;
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        Optim4jGradientUpdater u = new Optim4jGradientUpdater(this);
        u.setState(updaterState, initializeStateArrays);
        return u;
    }

    @Override
    public Optim4jUpdater clone() {
        Map<String, ISchedule> s = new TreeMap<>();
        schedules.forEach((k, v) -> s.put(k, v.clone()));
        return new Optim4jUpdater(rule, values, s);
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        String lr = Params.LEARNING_RATE.name();
        if (!hasLearningRate()) {
            return Double.NaN;
        }
        ISchedule s = schedules.get(lr);
        if (s != null) {
            return s.valueAt(iteration, epoch);
        }
        Double v = values.get(lr);
        if (v != null) {
            return v;
        }
        return Rules.type(rule).params().stream().filter(p -> p.name().equals(lr)).findFirst().orElseThrow()
                .defaultValue();
    }

    @Override
    public boolean hasLearningRate() {
        return Rules.type(rule).params().stream().anyMatch(p -> p.name().equals(Params.LEARNING_RATE.name()));
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        if (!hasLearningRate()) {
            throw new UnsupportedOperationException("rule '" + rule + "' has no learning rate");
        }
        String name = Params.LEARNING_RATE.name();
        if (lrSchedule != null) {
            schedules.put(name, lrSchedule);
            values.remove(name);
        } else {
            schedules.remove(name);
            values.put(name, lr);
        }
        validate();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Optim4jUpdater u && u.rule.equals(rule) && u.values.equals(values)
                && u.schedules.equals(schedules);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rule, values, schedules);
    }

    @Override
    public String toString() {
        return "Optim4jUpdater(" + rule + ", " + values + (schedules.isEmpty() ? "" : ", " + schedules) + ")";
    }

    /** A DL4J schedule as an optim4j one: the value at step t and at the epoch the updater last saw. */
    record Dl4jScheduleRate(ISchedule schedule, int[] epoch) implements Schedule {
        @Override
        public double value(long step) {
            return schedule.valueAt((int) Math.min(step, Integer.MAX_VALUE), epoch[0]);
        }
    }
}
