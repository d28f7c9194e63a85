package org.optim4j.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.optim4j.Optimizer;
import org.optim4j.backend.Backends;
import org.optim4j.network.Activation;
import org.optim4j.network.Engine;
import org.optim4j.network.Mlp;
import org.optim4j.network.MlpArchitecture;
import org.optim4j.network.data.Dataset;
import org.optim4j.network.data.Digits;
import org.optim4j.network.train.DataParallelReference;
import org.optim4j.network.train.ShardPlan;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spi.FloatArrayBuffer;

/** What the Spark tests share: a small network on the digits, a lean local SparkContext, the reference run. */
final class SparkTestContext {
    static final Dataset TRAIN = Digits.load().scaledBy(Digits.MAX_PIXEL).split(0.8, 42).train();
    static final MlpArchitecture ARCH = MlpArchitecture.of(Activation.RELU, 64, 16, 10);

    private SparkTestContext() {
    }

    /** A local SparkContext for tests: no UI, loopback only, a checkpoint directory under {@code dir}. */
    static JavaSparkContext start(String master, Path dir) throws IOException {
        SparkConf conf = new SparkConf().setMaster(master).setAppName("optim4j-spark-test")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.sql.shuffle.partitions", "2")
                .set("spark.default.parallelism", "2");
        JavaSparkContext sc = new JavaSparkContext(conf);
        sc.setLogLevel("WARN");
        sc.setCheckpointDir(Files.createDirectories(dir.resolve("rdd-checkpoints")).toString());
        return sc;
    }

    /** The single-process run the Spark run must equal: same plan, same rule and backend, same initial θ. */
    static DataParallelReference reference(UpdateRule rule, String backend, int workers, int perWorkerBatch, long seed) {
        Mlp mlp = Mlp.create(ARCH, Engine.JAVA, perWorkerBatch);
        FloatArrayBuffer theta = FloatArrayBuffer.zeros(ARCH.parameterCount());
        Mlp.create(ARCH, Engine.JAVA, 1).initialise(theta, seed);
        Optimizer o = Optimizer.create(rule, Backends.byName(backend), ARCH.parameterCount());
        return new DataParallelReference(mlp, o, theta, TRAIN, new ShardPlan(TRAIN.rows(), workers, perWorkerBatch, seed), 0);
    }

    static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    static float maxAbsDiff(float[] a, float[] b) {
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
