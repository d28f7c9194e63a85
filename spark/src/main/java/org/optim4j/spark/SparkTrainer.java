package org.optim4j.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.optim4j.Optimizer;
import org.optim4j.backend.Backends;
import org.optim4j.internal.Check;
import org.optim4j.network.Engine;
import org.optim4j.network.Mlp;
import org.optim4j.network.MlpArchitecture;
import org.optim4j.network.data.Dataset;
import org.optim4j.network.train.PartialGradients;
import org.optim4j.network.train.ShardPlan;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spi.FloatArrayBuffer;
import org.optim4j.transform.Transform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Synchronous data-parallel training of an {@link Mlp} on Apache Spark (RDD API), the optimizer state either on the
 * driver or sharded across executors, or local SGD with parameter averaging.
 *
 * <p>W workers each hold one shard of the training rows (a cached RDD of W partitions); {@link ShardPlan} says which
 * rows each uses at each step. A step broadcasts θ, every worker computes the mean gradient over its piece, and the
 * W partial gradients are combined as (((g₀ + g₁) + …) / W, always in worker order ({@link PartialGradients}), so
 * a run is reproducible and equals {@link org.optim4j.network.train.DataParallelReference} bit for bit.
 *
 * <ul>
 *   <li>{@link Mode#DRIVER_STATE} (MLlib's pattern): the partial gradients are collected, the driver sums them and
 *   steps one optimizer over all of θ. The driver holds θ, the gradient and all the state.</li>
 *   <li>{@link Mode#SHARDED_STATE} (ZeRO-1): θ is cut into K slices; slice k's optimizer state lives in partition k
 *   of a persisted state RDD. Each worker emits its gradient slice by slice, a shuffle with a fixed partitioner
 *   brings slice k of every worker to partition k, which sums them in worker order and takes an ordinary optim4j
 *   step over the slice; only the new θ slices come back to the driver. Each step makes a new state RDD from the
 *   old one (never writing into it, so a retried task computes the same bits), and every
 *   {@code lineageCheckpointEvery} steps the state RDD is checkpointed so its lineage does not grow.</li>
 *   <li>{@link Mode#PARAMETER_AVERAGING} (DL4J's ParameterAveragingTrainingMaster): each worker takes
 *   {@code localSteps} steps on its own pieces from the broadcast θ and state, then θ (and, by default, the
 *   optimizer state) is averaged in worker order: one communication round per {@code localSteps} steps.</li>
 * </ul>
 *
 * <p>A step that fails (a task that fails more often than Spark retries it, a non-finite gradient) throws
 * {@link SparkStepException} and leaves θ, the state and the step counter as they were.
 *
 * <p>Rules run in their plain step form: a rule with a look-ahead (Nesterov) in the reparametrised form. A rule
 * with a reduction (clip by global norm, LAMB's per-tensor norms) needs more than a slice and is refused in the
 * sharded mode.
 */
public final class SparkTrainer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SparkTrainer.class);
    /** The name of the sharded state RDD (as Spark's storage listing shows it), followed by the step. */
    public static final String STATE_RDD_NAME = "optim4j sharded optimizer state";

    /** Where the optimizer state lives and how often workers communicate. */
    public enum Mode {
        DRIVER_STATE, SHARDED_STATE, PARAMETER_AVERAGING;

        /** {@code driver}, {@code sharded} or {@code averaging} (or the enum name), case-insensitive. */
        public static Mode parse(String text) {
            String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
            return switch (t) {
                case "driver", "driver_state" -> DRIVER_STATE;
                case "sharded", "sharded_state" -> SHARDED_STATE;
                case "averaging", "parameter_averaging" -> PARAMETER_AVERAGING;
                default -> throw new IllegalArgumentException("mode must be 'driver', 'sharded' or 'averaging', got '"
                        + text + "'");
            };
        }
    }

    final JavaSparkContext sc;
    final Mode mode;
    final NetSpec net;
    final MlpArchitecture architecture;
    final UpdateRule rule;
    final RuleSpec ruleSpec;
    final String backend;
    final ShardPlan plan;
    final int shards;
    final int[] bounds;
    final int lineageCheckpointEvery;
    final int localSteps;
    final boolean averageState;
    final FaultInjection faults;
    final JavaRDD<DataShard> data;
    final ShardPartitioner partitioner;
    final float[] theta;
    long step;
    long rounds;
    double lastLoss = Double.NaN;

    /** DRIVER_STATE: the one optimizer. */
    Optimizer driverOptimizer;
    /** SHARDED_STATE: partition k holds slice k's state. */
    JavaPairRDD<Integer, ShardState> state;
    /** Broadcasts the state RDD's lineage still reads (until its next checkpoint). */
    private final List<Broadcast<float[]>> lineageBroadcasts = new ArrayList<>();
    /** PARAMETER_AVERAGING: the averaged state (averageState), else each worker's. */
    ShardState[] workerStates;

    SparkTrainer(Builder b) {
        this.sc = b.sc;
        this.mode = b.mode;
        this.architecture = b.architecture;
        this.net = NetSpec.of(b.architecture);
        this.rule = b.rule;
        if (mode == Mode.SHARDED_STATE) {
            // A slice step equals the whole step's slice only for element-wise chains: a transform that needs a
            // reduction over the whole gradient (clip by global norm) or per tensor (LAMB's trust ratio) does not.
            for (Transform t : b.rule.transforms()) {
                if (t.reduction() != Transform.Reduction.NONE) {
                    throw new IllegalArgumentException("rule '" + b.rule.id() + "' has transform '" + t.id()
                            + "', which needs a " + t.reduction() + " reduction over more than a slice of the state; "
                            + "use mode DRIVER_STATE");
                }
            }
        }
        this.ruleSpec = RuleSpec.of(b.rule);
        this.backend = Backends.byName(b.backend).name();
        this.plan = new ShardPlan(b.train.rows(), b.workers, b.perWorkerBatch, b.seed);
        int p = b.architecture.parameterCount();
        this.shards = b.shards > 0 ? b.shards : b.workers;
        if (shards > p) {
            throw new IllegalArgumentException("shards must be <= the " + p + " parameters, got " + shards);
        }
        this.bounds = new int[shards + 1];
        for (int k = 0; k <= shards; k++) {
            bounds[k] = (int) ((long) p * k / shards);
        }
        this.lineageCheckpointEvery = b.lineageCheckpointEvery;
        this.localSteps = b.localSteps;
        this.averageState = b.averageState;
        this.faults = b.faults;
        this.partitioner = new ShardPartitioner(shards);
        if (mode == Mode.SHARDED_STATE) {
            if (lineageCheckpointEvery > 0 && !sc.getCheckpointDir().isPresent()) {
                throw new IllegalArgumentException("lineageCheckpointEvery is " + lineageCheckpointEvery
                        + " but the SparkContext has no checkpoint directory: call setCheckpointDir (a directory "
                        + "every executor can reach) or set lineageCheckpointEvery(0)");
            }
        }
        this.theta = new float[p];
        Mlp.create(b.architecture, Engine.JAVA, 1).initialise(FloatArrayBuffer.wrap(theta), b.seed);
        List<DataShard> list = new ArrayList<>();
        for (int w = 0; w < b.workers; w++) {
            list.add(DataShard.of(w, b.train, plan.shardFrom(w), plan.shardTo(w)));
        }
        // parallelize with one element per slice: partition w holds worker w's rows.
        this.data = sc.parallelize(list, b.workers).persist(StorageLevel.MEMORY_AND_DISK());
        switch (mode) {
            case DRIVER_STATE -> driverOptimizer = ShardState.optimizer(ruleSpec, backend, p);
            case SHARDED_STATE -> state = initialState();
            case PARAMETER_AVERAGING -> {
                ShardState fresh = ShardState.initial(0, 0, p, ruleSpec, backend);
                workerStates = new ShardState[averageState ? 1 : b.workers];
                java.util.Arrays.fill(workerStates, fresh);
            }
        }
        log.info("Spark trainer: {} mode, {}, rule {}, backend {}, {} parameters{}", mode, plan, rule.id(), backend, p,
                mode == Mode.SHARDED_STATE ? " in " + shards + " state shards" : "");
    }

    /** Starts a run of {@code rule} over {@code train} with the network {@code architecture}. */
    public static Builder builder(JavaSparkContext sc, MlpArchitecture architecture, UpdateRule rule, Dataset train) {
        return new Builder(sc, architecture, rule, train);
    }

    private JavaPairRDD<Integer, ShardState> initialState() {
        List<Tuple2<Integer, int[]>> slices = new ArrayList<>();
        for (int k = 0; k < shards; k++) {
            slices.add(new Tuple2<>(k, new int[] {k, bounds[k], bounds[k + 1]}));
        }
        RuleSpec r = ruleSpec;
        String be = backend;
        // The (tiny) ranges are shuffled into place, then each partition makes its own state: mapValues keeps the
        // partitioner, so slice k's state is born in partition k.
        return sc.parallelizePairs(slices, shards).partitionBy(partitioner)
                .mapValues(range -> ShardState.initial(range[0], range[1], range[2], r, be))
                .persist(StorageLevel.MEMORY_AND_DISK());
    }

    /**
     * One global step ({@link Mode#PARAMETER_AVERAGING}: one round of {@code localSteps} steps).
     *
     * @return the mean loss of the step's global batch before the update (averaging: the mean over the workers of
     *         each worker's loss at its last local step)
     * @throws SparkStepException if Spark could not run the step; θ, the state and the step counter are unchanged
     */
    public double step() {
        double loss = switch (mode) {
            case DRIVER_STATE -> driverStep();
            case SHARDED_STATE -> shardedStep();
            case PARAMETER_AVERAGING -> averagingRound();
        };
        rounds++;
        lastLoss = loss;
        return loss;
    }

    /** Runs steps (rounds) until the step counter is at least {@code totalSteps}. */
    public void runUntil(long totalSteps) {
        while (step < totalSteps) {
            step();
        }
    }

    private double driverStep() {
        long t = step;
        Broadcast<float[]> b = sc.broadcast(theta.clone());
        try {
            NetSpec n = net;
            ShardPlan pl = plan;
            FaultInjection f = faults;
            List<WorkerSteps.Partial> parts;
            try {
                parts = new ArrayList<>(data.map(shard -> WorkerSteps.partial(shard, b.value(), n, pl, t, f)).collect());
            } catch (Exception e) { // SparkException is checked in Java terms, thrown undeclared from Scala
                throw SparkStepException.of(t, e);
            }
            parts.sort(Comparator.comparingInt(WorkerSteps.Partial::worker));
            List<float[]> gradients = new ArrayList<>();
            double[] losses = new double[parts.size()];
            for (int i = 0; i < parts.size(); i++) {
                gradients.add(parts.get(i).gradient());
                losses[i] = parts.get(i).loss();
            }
            float[] g = new float[theta.length];
            PartialGradients.combineInto(gradients, 0, 0, theta.length, g);
            try {
                driverOptimizer.step(FloatArrayBuffer.wrap(theta), FloatArrayBuffer.wrap(g));
            } catch (Exception e) { // SparkException is checked in Java terms, thrown undeclared from Scala
                throw SparkStepException.of(t, e);
            }
            step++;
            return PartialGradients.combineLoss(losses);
        } finally {
            b.destroy();
        }
    }

    private double shardedStep() {
        long t = step;
        Broadcast<float[]> b = sc.broadcast(theta.clone());
        NetSpec n = net;
        ShardPlan pl = plan;
        FaultInjection f = faults;
        int[] bd = bounds;
        int k = shards;
        int w = plan.workers();
        RuleSpec r = ruleSpec;
        String be = backend;
        JavaPairRDD<Integer, WorkerSteps.Partial> slices = data.flatMapToPair(shard -> {
            WorkerSteps.Partial part = WorkerSteps.partial(shard, b.value(), n, pl, t, f);
            List<Tuple2<Integer, WorkerSteps.Partial>> out = new ArrayList<>(k);
            for (int s = 0; s < k; s++) {
                out.add(new Tuple2<>(s, new WorkerSteps.Partial(part.worker(), part.loss(),
                        java.util.Arrays.copyOfRange(part.gradient(), bd[s], bd[s + 1]))));
            }
            return out.iterator();
        });
        // Both sides of the join have the shard partitioner: the state never moves, only gradient slices do.
        JavaPairRDD<Integer, ShardState> next = state.join(slices.groupByKey(partitioner), partitioner)
                .mapValues(v -> WorkerSteps.sliceStep(v._1(), v._2(), b.value(), r, be, t, w, f))
                .persist(StorageLevel.MEMORY_AND_DISK());
        next.setName(STATE_RDD_NAME + " after step " + t);
        boolean checkpoint = lineageCheckpointEvery > 0 && (t + 1) % lineageCheckpointEvery == 0;
        if (checkpoint) {
            next.checkpoint();
        }
        List<Tuple2<Integer, ShardState>> out;
        try {
            // Only θ slices and the loss travel; the new state stays cached in its partitions.
            out = next.mapValues(ShardState::thetaOnly).collect();
        } catch (Exception e) { // SparkException is checked in Java terms, thrown undeclared from Scala
            next.unpersist(false);
            b.destroy();
            throw SparkStepException.of(t, e);
        }
        double loss = Double.NaN;
        for (Tuple2<Integer, ShardState> kv : out) {
            ShardState s = kv._2();
            System.arraycopy(s.theta, 0, theta, s.from, s.length());
            loss = s.loss;
        }
        state.unpersist(false);
        state = next;
        if (checkpoint && next.isCheckpointed()) {
            // The lineage now starts at the checkpoint: the older broadcasts are no longer read by a recomputation.
            // This step's one stays: the checkpointed RDD's own closure still refers to it (and Spark serialises it).
            lineageBroadcasts.forEach(Broadcast::destroy);
            lineageBroadcasts.clear();
        }
        lineageBroadcasts.add(b);
        step++;
        return loss;
    }

    private double averagingRound() {
        long t = step;
        Broadcast<float[]> b = sc.broadcast(theta.clone());
        Broadcast<ShardState[]> bs = sc.broadcast(workerStates.clone());
        NetSpec n = net;
        ShardPlan pl = plan;
        FaultInjection f = faults;
        RuleSpec r = ruleSpec;
        String be = backend;
        int k = localSteps;
        boolean shared = averageState;
        try {
            List<WorkerSteps.LocalResult> res;
            try {
                res = new ArrayList<>(data.map(shard -> WorkerSteps.localSteps(shard, b.value(),
                        bs.value()[shared ? 0 : shard.index], n, pl, r, be, t, k, f)).collect());
            } catch (Exception e) { // SparkException is checked in Java terms, thrown undeclared from Scala
                throw SparkStepException.of(t, e);
            }
            res.sort(Comparator.comparingInt(WorkerSteps.LocalResult::worker));
            List<float[]> thetas = new ArrayList<>();
            double[] losses = new double[res.size()];
            for (int i = 0; i < res.size(); i++) {
                thetas.add(res.get(i).theta());
                losses[i] = res.get(i).loss();
            }
            float[] avg = new float[theta.length];
            PartialGradients.combineInto(thetas, 0, 0, theta.length, avg);
            if (shared) {
                ShardState first = res.get(0).state();
                float[][] buffers = new float[first.names.length][];
                for (int i = 0; i < buffers.length; i++) {
                    List<float[]> parts = new ArrayList<>();
                    for (WorkerSteps.LocalResult lr : res) {
                        parts.add(lr.state().buffers[i]);
                    }
                    buffers[i] = new float[theta.length];
                    PartialGradients.combineInto(parts, 0, 0, theta.length, buffers[i]);
                }
                workerStates[0] = new ShardState(0, 0, theta.length, first.step, first.skipped, first.names, buffers,
                        null, Double.NaN);
            } else {
                for (int i = 0; i < res.size(); i++) {
                    workerStates[i] = res.get(i).state();
                }
            }
            System.arraycopy(avg, 0, theta, 0, theta.length);
            step += k;
            return PartialGradients.combineLoss(losses);
        } finally {
            b.destroy();
            bs.destroy();
        }
    }

    /** A copy of the parameters θ. */
    public float[] parameters() {
        return theta.clone();
    }

    /** Global steps taken (the step counter of every shard's optimizer). */
    public long stepCount() {
        return step;
    }

    /** Calls of {@link #step()} so far: communication rounds (averaging: one per {@code localSteps} steps). */
    public long communicationRounds() {
        return rounds;
    }

    /** The loss {@link #step()} last returned (NaN before the first). */
    public double lastLoss() {
        return lastLoss;
    }

    public Mode mode() {
        return mode;
    }

    public ShardPlan plan() {
        return plan;
    }

    /** The state shards' element ranges [bounds[k], bounds[k+1]). */
    public int[] shardBounds() {
        return bounds.clone();
    }

    /**
     * State buffer {@code name} over all of θ (sharded: gathered from the executors; averaging with per-worker
     * state: worker 0's).
     */
    public float[] stateBuffer(String name) {
        return switch (mode) {
            case DRIVER_STATE -> org.optim4j.state.BufferData.of(driverOptimizer.state().buffer(name)).toFloatArray();
            case PARAMETER_AVERAGING -> workerStates[0].buffers[index(workerStates[0], name)].clone();
            case SHARDED_STATE -> {
                float[] out = new float[theta.length];
                for (Tuple2<Integer, ShardState> kv : state.collect()) {
                    ShardState s = kv._2();
                    System.arraycopy(s.buffers[index(s, name)], 0, out, s.from, s.length());
                }
                yield out;
            }
        };
    }

    private static int index(ShardState s, String name) {
        for (int i = 0; i < s.names.length; i++) {
            if (s.names[i].equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no state buffer '" + name + "'; the rule has " + List.of(s.names));
    }

    /**
     * Writes θ and the optimizer state to {@code dir}: one checkpoint file per state shard (written by the
     * executor that holds it, so {@code dir} must be a directory every executor and the driver can reach) and a
     * manifest, each replaced atomically. See {@link ShardedCheckpoint}.
     */
    public void saveCheckpoint(Path dir) throws IOException {
        ShardedCheckpoint.save(this, Check.notNull("dir", dir));
    }

    /** Releases the cached RDDs and broadcasts; the SparkContext stays open. */
    @Override
    public void close() {
        if (state != null) {
            state.unpersist(false);
        }
        data.unpersist(false);
        lineageBroadcasts.forEach(Broadcast::destroy);
        lineageBroadcasts.clear();
        if (driverOptimizer != null) {
            driverOptimizer.close();
        }
    }

    /** The run's description: what must be equal for a checkpoint to resume this run. */
    Map<String, String> describe() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("mode", mode.name());
        m.put("network", net.key());
        m.put("parameters", Integer.toString(theta.length));
        m.put("rule", rule.id());
        m.put("backend", backend);
        m.put("rows", Integer.toString(plan.rows()));
        m.put("workers", Integer.toString(plan.workers()));
        m.put("perWorkerBatch", Integer.toString(plan.perWorkerBatch()));
        m.put("seed", Long.toString(plan.seed()));
        m.put("shards", Integer.toString(mode == Mode.SHARDED_STATE ? shards : 1));
        if (mode == Mode.PARAMETER_AVERAGING) {
            m.put("localSteps", Integer.toString(localSteps));
            m.put("averageState", Boolean.toString(averageState));
        }
        return m;
    }

    /** Configures a {@link SparkTrainer}; every setter checks its argument at once. */
    public static final class Builder {
        private final JavaSparkContext sc;
        private final MlpArchitecture architecture;
        private final UpdateRule rule;
        private final Dataset train;
        private Mode mode = Mode.SHARDED_STATE;
        private int workers = 2;
        private int perWorkerBatch = 16;
        private long seed = 42;
        private int shards;
        private String backend = "simd";
        private int lineageCheckpointEvery = 10;
        private int localSteps = 1;
        private boolean averageState = true;
        private FaultInjection faults;
        private Path resumeFrom;

        private Builder(JavaSparkContext sc, MlpArchitecture architecture, UpdateRule rule, Dataset train) {
            this.sc = Check.notNull("sc", sc);
            this.architecture = Check.notNull("architecture", architecture);
            this.rule = Check.notNull("rule", rule);
            this.train = Check.notNull("train", train);
            if (train.featureCount() != architecture.inputSize() || train.classCount() > architecture.classCount()) {
                throw new IllegalArgumentException("data set with " + train.featureCount() + " features and "
                        + train.classCount() + " classes does not fit network " + architecture);
            }
        }

        public Builder mode(Mode mode) {
            this.mode = Check.notNull("mode", mode);
            return this;
        }

        /** Data-parallel workers W: partitions of the data, one task each per step (default 2). */
        public Builder workers(int workers) {
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be >= 1, got " + workers);
            }
            this.workers = workers;
            return this;
        }

        /** Rows of each worker's piece of a step; a global batch has workers × perWorkerBatch rows (default 16). */
        public Builder perWorkerBatch(int rows) {
            if (rows < 1) {
                throw new IllegalArgumentException("perWorkerBatch must be >= 1, got " + rows);
            }
            this.perWorkerBatch = rows;
            return this;
        }

        /** Seed of the initial θ and of every shuffle (default 42). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** State shards K of the sharded mode (default: the number of workers). */
        public Builder shards(int shards) {
            if (shards < 1) {
                throw new IllegalArgumentException("shards must be >= 1, got " + shards);
            }
            this.shards = shards;
            return this;
        }

        /** The optim4j backend of every optimizer (a heap float32 one: {@code simd} (default) or {@code scalar}). */
        public Builder backend(String name) {
            Backends.byName(name);
            this.backend = name;
            return this;
        }

        /** Sharded mode: checkpoint the state RDD every n steps to cut its lineage (0: never; default 10). */
        public Builder lineageCheckpointEvery(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("lineageCheckpointEvery must be >= 0, got " + n);
            }
            this.lineageCheckpointEvery = n;
            return this;
        }

        /** Parameter averaging: local steps k between averages (default 1). */
        public Builder localSteps(int k) {
            if (k < 1) {
                throw new IllegalArgumentException("localSteps must be >= 1, got " + k);
            }
            this.localSteps = k;
            return this;
        }

        /**
         * Parameter averaging: average the optimizer state too (default true, as DL4J's averageUpdaters); false
         * keeps each worker's own state (the driver holds W copies between rounds).
         */
        public Builder averageState(boolean average) {
            this.averageState = average;
            return this;
        }

        /** Continue the run saved in {@code dir} by {@link SparkTrainer#saveCheckpoint}. */
        public Builder resumeFrom(Path dir) {
            this.resumeFrom = Check.notNull("dir", dir);
            return this;
        }

        Builder faults(FaultInjection f) {
            this.faults = f;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the parameter and its value when the configuration cannot run
         * @throws IOException              if the checkpoint to resume from cannot be read
         */
        public SparkTrainer build() throws IOException {
            if (mode == Mode.PARAMETER_AVERAGING && resumeFrom != null && !averageState) {
                throw new IllegalArgumentException("resumeFrom: checkpoints of parameter averaging with per-worker "
                        + "state are not supported; use averageState(true)");
            }
            SparkTrainer t = new SparkTrainer(this);
            if (resumeFrom != null) {
                try {
                    ShardedCheckpoint.resume(t, resumeFrom);
                } catch (IOException | RuntimeException e) {
                    t.close();
                    throw e;
                }
            }
            return t;
        }
    }
}
