package org.optim4j.benchmarks.roofline;

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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;
import org.optim4j.benchmarks.BenchRules;
import org.optim4j.benchmarks.Workload;

/**
 * The roofline: per size, a pass that moves a rule's bytes ({@link BenchRules#bytesPerParameter}) over
 * the same arrays with no arithmetic ({@link TrafficKernels}). Rules with the same arrays share one pass:
 * {@code arrays} = 2 is SGD's traffic, 3 that of momentum, Nesterov, AdaGrad and RMSProp, 4 Adam's, 5 AMSGrad's
 * (k arrays read, k − 1 of them written back). {@code oneThread} is one pass on one
 * thread; {@code allThreads} runs one thread per core, each passing over its own contiguous slice with no
 * hand-off at all, so it is an upper bound for any threaded backend. Score: passes per second per thread,
 * summed over the threads (one thread's pass covers size/threads parameters).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RooflineBenchmark {

    /** The arrays, shared by all threads. */
    @State(Scope.Benchmark)
    public static class Arrays {
        /** Arrays read (all but the gradient are written back): 2, 3, 4 or 5 (AMSGrad). */
        @Param({"2", "3", "4", "5"})
        public int arrays;

        @Param({"4096", "65536", "1048576", "16777216", "256x65536", "mixed"})
        public String size;

        float[] theta;
        float[] gradient;
        float[] s;
        float[] r;
        float[] m;

        @Setup(Level.Trial)
        public void setUp() {
            Workload w = Workload.of(size);
            theta = w.initialParameters();
            gradient = w.gradient();
            if (arrays < 2 || arrays > 5) {
                throw new IllegalArgumentException("arrays must be 2, 3, 4 or 5, got " + arrays);
            }
            // State arrays hold copies of real data, so the values stay in range.
            s = arrays >= 3 ? gradient.clone() : null;
            r = arrays >= 4 ? theta.clone() : null;
            m = arrays >= 5 ? gradient.clone() : null;
        }

        void pass(int from, int to) {
            switch (arrays) {
                case 2:
                    TrafficKernels.twoArrays(theta, gradient, from, to);
                    break;
                case 3:
                    TrafficKernels.threeArrays(theta, gradient, s, from, to);
                    break;
                case 4:
                    TrafficKernels.fourArrays(theta, gradient, s, r, from, to);
                    break;
                default:
                    TrafficKernels.fiveArrays(theta, gradient, s, r, m, from, to);
            }
        }
    }

    /** One thread's contiguous slice of the arrays (64-byte aligned boundaries). */
    @State(Scope.Thread)
    public static class Slice {
        int from;
        int to;

        @Setup(Level.Trial)
        public void setUp(ThreadParams thread, Arrays arrays) {
            int n = arrays.theta.length;
            int count = thread.getThreadCount();
            int index = thread.getThreadIndex();
            from = boundary(n, index, count);
            to = boundary(n, index + 1, count);
        }

        private static int boundary(int n, int index, int count) {
            if (index == count) {
                return n;
            }
            return (int) ((long) n * index / count) & ~15;
        }
    }

    @Benchmark
    public void oneThread(Arrays arrays) {
        arrays.pass(0, arrays.theta.length);
    }

    @Benchmark
    @Threads(Threads.MAX)
    public void allThreads(Arrays arrays, Slice slice) {
        arrays.pass(slice.from, slice.to);
    }
}
