package org.optim4j.spark;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.optim4j.Optimizer;
import org.optim4j.checkpoint.Checkpoint;
import org.optim4j.io.AtomicFile;
import org.optim4j.spi.FloatArrayBuffer;
import scala.Tuple2;

/**
 * A Spark run's checkpoint: one file per state shard in optim4j's checkpoint format ({@link Checkpoint}: the
 * slice's optimizer state and its θ slice, CRC-checked) and a manifest, each written atomically
 * ({@link AtomicFile}). Shard files carry the step in their name ({@code shard-00001-step-000000000040.o4c}), so
 * a new save never overwrites the files the current manifest names: a crash at any moment leaves the previous
 * manifest and its files, or the new ones. The manifest is written last; files it does not name are deleted after.
 *
 * <p>In the sharded mode each executor writes the shard it holds (so the directory must be one every executor and
 * the driver can reach: a local directory in {@code local[N]}, a shared file system on a cluster); the driver and
 * averaging modes write one shard covering all of θ from the driver.
 */
final class ShardedCheckpoint {
    static final String MANIFEST = "manifest.properties";
    static final String FORMAT = "optim4j-spark-checkpoint-1";

    private ShardedCheckpoint() {
    }

    static void save(SparkTrainer t, Path dir) throws IOException {
        Files.createDirectories(dir);
        long step = t.step;
        String dirName = dir.toAbsolutePath().toString();
        List<String[]> files = new ArrayList<>(); // {file, from, to}
        switch (t.mode) {
            case SHARDED_STATE -> {
                Broadcast<float[]> b = t.sc.broadcast(t.theta.clone());
                RuleSpec r = t.ruleSpec;
                String be = t.backend;
                try {
                    for (Tuple2<Integer, String[]> kv : t.state.mapValues(s -> writeShard(dirName, s, b.value(), r, be,
                            step)).collect()) {
                        files.add(kv._2());
                    }
                } finally {
                    b.destroy();
                }
            }
            case DRIVER_STATE -> files.add(write(dir, t.driverOptimizer, t.theta, 0, 0, t.theta.length, step));
            case PARAMETER_AVERAGING -> {
                try (Optimizer o = t.workerStates[0].toOptimizer(t.ruleSpec, t.backend)) {
                    files.add(write(dir, o, t.theta, 0, 0, t.theta.length, step));
                }
            }
        }
        Properties m = new Properties();
        m.setProperty("format", FORMAT);
        m.setProperty("step", Long.toString(step));
        t.describe().forEach((k, v) -> m.setProperty("run." + k, v));
        m.setProperty("files", Integer.toString(files.size()));
        Set<String> keep = new HashSet<>();
        for (int k = 0; k < files.size(); k++) {
            m.setProperty("shard." + k + ".file", files.get(k)[0]);
            m.setProperty("shard." + k + ".from", files.get(k)[1]);
            m.setProperty("shard." + k + ".to", files.get(k)[2]);
            keep.add(files.get(k)[0]);
        }
        AtomicFile.write(dir.resolve(MANIFEST), text(m).getBytes(StandardCharsets.UTF_8));
        try (Stream<Path> old = Files.list(dir)) {
            for (Path p : (Iterable<Path>) old::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith("shard-") && name.endsWith(".o4c") && !keep.contains(name)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Runs in the executor holding shard s: writes its state and θ slice, returns {file, from, to}. */
    static String[] writeShard(String dir, ShardState s, float[] theta, RuleSpec rule, String backend, long step)
            throws IOException {
        return TaskFailure.portable(() -> {
            try (Optimizer o = s.toOptimizer(rule, backend)) {
                return write(Path.of(dir), o, theta, s.shard, s.from, s.to, step);
            }
        });
    }

    private static String[] write(Path dir, Optimizer o, float[] theta, int shard, int from, int to, long step)
            throws IOException {
        String name = String.format("shard-%05d-step-%012d.o4c", shard, step);
        float[] slice = java.util.Arrays.copyOfRange(theta, from, to);
        Checkpoint.capture(o, FloatArrayBuffer.wrap(slice), Map.of("spark.shard", Integer.toString(shard),
                "spark.from", Integer.toString(from), "spark.to", Integer.toString(to), "spark.step",
                Long.toString(step))).write(dir.resolve(name));
        return new String[] {name, Integer.toString(from), Integer.toString(to)};
    }

    /** Puts the saved θ, state and step counter into a freshly built trainer of the same run. */
    static void resume(SparkTrainer t, Path dir) throws IOException {
        Path manifestFile = dir.resolve(MANIFEST);
        Properties m = new Properties();
        m.load(new StringReader(Files.readString(manifestFile, StandardCharsets.UTF_8)));
        if (!FORMAT.equals(m.getProperty("format"))) {
            throw new IllegalArgumentException("resumeFrom: " + manifestFile + " is not an optim4j Spark checkpoint "
                    + "manifest (format '" + m.getProperty("format") + "')");
        }
        for (Map.Entry<String, String> e : t.describe().entrySet()) {
            String was = m.getProperty("run." + e.getKey());
            if (!e.getValue().equals(was)) {
                throw new IllegalArgumentException("resumeFrom: the checkpoint is of a run with " + e.getKey() + " "
                        + was + ", this run has " + e.getKey() + " " + e.getValue() + "; resume with the same "
                        + e.getKey());
            }
        }
        long step = Long.parseLong(m.getProperty("step"));
        int n = Integer.parseInt(m.getProperty("files"));
        List<Tuple2<Integer, String[]>> files = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            files.add(new Tuple2<>(k, new String[] {dir.resolve(m.getProperty("shard." + k + ".file"))
                    .toAbsolutePath().toString(), m.getProperty("shard." + k + ".from"), m.getProperty("shard." + k
                    + ".to")}));
        }
        switch (t.mode) {
            case SHARDED_STATE -> {
                RuleSpec r = t.ruleSpec;
                String be = t.backend;
                JavaPairRDD<Integer, ShardState> loaded = t.sc.parallelizePairs(files, files.size())
                        .partitionBy(t.partitioner)
                        .mapValues(f -> readShard(f, r, be, step))
                        .persist(StorageLevel.MEMORY_AND_DISK());
                float[] theta = new float[t.theta.length];
                try {
                    for (Tuple2<Integer, ShardState> kv : loaded.mapValues(ShardState::thetaOnly).collect()) {
                        ShardState s = kv._2();
                        System.arraycopy(s.theta, 0, theta, s.from, s.length());
                    }
                } catch (Exception e) { // SparkException is checked in Java terms, thrown undeclared from Scala
                    loaded.unpersist(false);
                    throw new IllegalArgumentException("resumeFrom: " + SparkStepException.of(step, e).getMessage()
                            .replaceFirst("^step \\d+ failed, parameters and optimizer state are those before it: ",
                                    ""), e);
                }
                t.state.unpersist(false);
                t.state = loaded;
                System.arraycopy(theta, 0, t.theta, 0, theta.length);
            }
            case DRIVER_STATE -> {
                Checkpoint cp = readChecked(files.get(0)._2(), step);
                cp.restore(t.driverOptimizer, FloatArrayBuffer.wrap(t.theta));
            }
            case PARAMETER_AVERAGING -> {
                Checkpoint cp = readChecked(files.get(0)._2(), step);
                try (Optimizer o = ShardState.optimizer(t.ruleSpec, t.backend, t.theta.length)) {
                    cp.restore(o, FloatArrayBuffer.wrap(t.theta));
                    t.workerStates[0] = ShardState.of(o, 0, 0, t.theta.length, null, Double.NaN);
                }
            }
        }
        t.step = step;
    }

    /** Runs in the executor that will hold the shard: reads and checks its file. */
    static ShardState readShard(String[] file, RuleSpec rule, String backend, long step) {
        return TaskFailure.portable(() -> readShardHere(file, rule, backend, step));
    }

    private static ShardState readShardHere(String[] file, RuleSpec rule, String backend, long step)
            throws IOException {
        Checkpoint cp = readChecked(file, step);
        int from = Integer.parseInt(file[1]);
        int to = Integer.parseInt(file[2]);
        float[] slice = new float[to - from];
        try (Optimizer o = ShardState.optimizer(rule, backend, to - from)) {
            cp.restore(o, FloatArrayBuffer.wrap(slice));
            return ShardState.of(o, Integer.parseInt(cp.metadata().get("spark.shard")), from, to, slice, Double.NaN);
        }
    }

    private static Checkpoint readChecked(String[] file, long step) throws IOException {
        Checkpoint cp = Checkpoint.read(Path.of(file[0]));
        Map<String, String> meta = cp.metadata();
        if (!Long.toString(step).equals(meta.get("spark.step")) || !file[1].equals(meta.get("spark.from"))
                || !file[2].equals(meta.get("spark.to"))) {
            throw new IllegalArgumentException("shard file " + file[0] + " holds elements [" + meta.get("spark.from")
                    + ", " + meta.get("spark.to") + ") at step " + meta.get("spark.step") + " but the manifest expects ["
                    + file[1] + ", " + file[2] + ") at step " + step);
        }
        return cp;
    }

    /** The manifest as text, keys sorted (Properties.store would add a date line). */
    private static String text(Properties m) {
        StringBuilder sb = new StringBuilder("# optim4j Spark checkpoint: one optim4j checkpoint file per state shard\n");
        for (Map.Entry<String, String> e : new TreeMap<>(toMap(m)).entrySet()) {
            sb.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        return sb.toString();
    }

    private static Map<String, String> toMap(Properties m) {
        Map<String, String> out = new TreeMap<>();
        for (String k : m.stringPropertyNames()) {
            out.put(k, m.getProperty(k));
        }
        return out;
    }
}
