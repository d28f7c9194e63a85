package org.optim4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.optim4j.backends.simd.SimdBackend;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.FloatArrayBuffer;
import org.optim4j.spi.Kernel;
import org.optim4j.rule.Sgd;
import org.optim4j.spi.Chains;
import org.optim4j.spi.KernelKey;
import org.optim4j.spi.StepScalars;

/**
 * The cost of {@code simd}'s thread hand-off alone: one call of its SGD kernel over {@code threads × 64}
 * elements, which the backend (split threshold 0) cuts into one 64-element part per thread, so each thread's
 * work is a few nanoseconds and the time per call is the hand-off (offer the parts, wake or reach the
 * workers, steal what they have not claimed, wait for the rest). {@code alone} runs the same range on the
 * calling thread without splitting, in the same run: the hand-off costs {@code split − alone}.
 * α = 0, so the values never change however many calls are made.
 *
 * <p>With more threads than cores (e.g. 8, 32, 64 on a 2-core machine) the workers share the cores with
 * the caller and with each other: what is measured then is the protocol's behaviour when oversubscribed
 * (the caller steals the parts of descheduled or parked workers), not a speed-up.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Benchmark)
public class HandoffBenchmark {
    private static final int PART = 64;

    @Param({"2", "8", "32", "64"})
    public int threads;

    private SimdBackend splitting;
    private SimdBackend single;
    private Kernel split;
    private Kernel alone;
    private Buffer[] buffers;
    private final StepScalars scalars = sgdScalars(0);
    private int n;

    @Setup(Level.Trial)
    public void setUp() {
        n = threads * PART;
        splitting = new SimdBackend(threads, 0);
        single = new SimdBackend(1);
        split = splitting.kernel(KernelKey.of(Sgd.of(1))).orElseThrow();
        alone = single.kernel(KernelKey.of(Sgd.of(1))).orElseThrow();
        float[] theta = new float[n];
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            theta[i] = i;
            g[i] = 1;
        }
        buffers = new Buffer[] {FloatArrayBuffer.wrap(theta), FloatArrayBuffer.wrap(g)};
        // A check that the split call covers the whole range: with α = 1 every element moves by exactly 1.
        StepScalars one = sgdScalars(1);
        split.apply(one, buffers, 0, n);
        for (int i = 0; i < n; i++) {
            if (theta[i] != i - 1) {
                throw new IllegalStateException("the split SGD call left element " + i + " at " + theta[i]
                        + ", expected " + (i - 1) + " (threads = " + threads + ")");
            }
        }
    }

    @Benchmark
    public Buffer[] split() {
        split.apply(scalars, buffers, 0, n);
        return buffers;
    }

    @Benchmark
    public Buffer[] alone() {
        alone.apply(scalars, buffers, 0, n);
        return buffers;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        splitting.close();
        single.close();
    }

    /** SGD's scalars with α = {@code alpha} (θ ← θ − α·g; α = −1 makes the kernel θ += g). */
    private static StepScalars sgdScalars(double alpha) {
        StepScalars s = Chains.newScalars(Sgd.of(1).transforms());
        s.values()[0] = alpha;
        return s;
    }
}
