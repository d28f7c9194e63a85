package org.optim4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.optim4j.Optimizer;
import org.optim4j.ParameterSet;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;

/**
 * How the suite measures the {@code nd4j} backend's off-heap allocation per step (JMH's GC profiler
 * sees only the heap). Everything ND4J allocates off the heap — arrays, op contexts, argument
 * buffers — goes through JavaCPP, which counts the bytes it holds in {@link Pointer#totalBytes()}.
 * Memory JavaCPP allocates is released only after a garbage collection finds its Pointer unreachable,
 * so across steps with no collection in between the count can only grow with each allocation: an
 * unchanged count over many steps means nothing was allocated through JavaCPP (a pointer freed
 * explicitly inside a step would not show, but it is a heap object and appears in the GC profiler's
 * bytes per step).
 *
 * <p>Measured here (1.0.0-M2.1): the BLAS rules (sgd, momentum) allocate nothing; each {@code Nd4j.exec}
 * of a native updater op allocates its scalar arguments (8 bytes each, e.g. 40 for Adam's α, ρ₁, ρ₂, ε
 * and t), released at the next collection. The test holds that bound: no array is ever allocated per
 * step (4K floats would be 16 KB), only a few argument bytes independent of the parameter count.
 */
class Nd4jOffHeapTest {
    private static final int STEPS = 200;
    /** Off-heap bytes a step may allocate: the op's scalar arguments (at most 8 of 8 bytes), never an array. */
    private static final long MAX_BYTES_PER_STEP = 64;

    static Iterable<String> rules() {
        return BenchRules.IDS;
    }

    @ParameterizedTest
    @MethodSource("rules")
    void stepsAllocateNoOffHeapArray(String rule) {
        assumeTrue(BenchBackends.available().contains("nd4j"), "the nd4j backend is not available here");
        Backend nd4j = BenchBackends.open("nd4j");
        Workload w = Workload.of("4096");
        ParameterSet params = w.layout(nd4j);
        Buffer theta = params.flat();
        Buffer g = params.newLike().flat();
        theta.copyFrom(w.initialParameters());
        g.copyFrom(w.gradient());
        Optimizer optimizer = Optimizer.create(BenchRules.rule(rule), nd4j, params.size());
        for (int k = 0; k < 10; k++) {
            optimizer.step(theta, g); // the first steps make the scratch arrays
        }
        long grown = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 5 && grown != 0; attempt++) {
            long collections = collections();
            long before = Pointer.totalBytes();
            for (int k = 0; k < STEPS; k++) {
                optimizer.step(theta, g);
            }
            long after = Pointer.totalBytes();
            if (collections() == collections) { // otherwise a collection may have freed something: measure again
                grown = after - before;
            }
        }
        assertTrue(grown != Long.MAX_VALUE, "a garbage collection interrupted every measurement");
        double perStep = (double) grown / STEPS;
        boolean blas = rule.equals("sgd") || rule.equals("momentum");
        assertTrue(blas ? grown == 0 : perStep <= MAX_BYTES_PER_STEP, rule + ": JavaCPP's off-heap bytes grew by "
                + perStep + " per step over " + STEPS + " steps");
    }

    private static long collections() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += gc.getCollectionCount();
        }
        return n;
    }
}
