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
 * sees only the heap), with two instruments, over steps with no garbage collection in between (memory
 * ND4J allocates is released only after a collection finds its owner unreachable, so it can only grow):
 * <ul>
 *   <li>JavaCPP's count of the bytes its Pointers hold ({@link Pointer#totalBytes()}): it sees the op's
 *       argument buffers, but <em>not</em> ND4J's data buffers (50 arrays of 4 MiB moved it by 800 bytes);</li>
 *   <li>the resident memory of the process ({@link Pointer#physicalBytes()}), which does see a new array:
 *       at 1M parameters one array per step would add 4 MiB a step. {@link #theInstrumentSeesAnArrayPerStep}
 *       checks that it does.</li>
 * </ul>
 *
 * <p>Measured here (1.0.0-M2.1): the BLAS rules (sgd, momentum) allocate nothing through JavaCPP; each
 * {@code Nd4j.exec} of a native updater op allocates its scalar arguments (8 bytes each, e.g. 40 for Adam's
 * α, ρ₁, ρ₂, ε and t), released at the next collection; no rule allocates an array per step.
 */
class Nd4jOffHeapTest {
    private static final int STEPS = 50;
    /** Off-heap bytes a step may allocate: the op's scalar arguments (at most 8 of 8 bytes), never an array. */
    private static final long MAX_BYTES_PER_STEP = 64;
    private static final int PARAMETERS = 1 << 20;
    /** Resident growth allowed over {@link #STEPS} steps: far below one 4 MiB array per step (200 MiB). */
    private static final long MAX_RESIDENT_GROWTH = 64L << 20;

    static Iterable<String> rules() {
        return BenchRules.IDS;
    }

    @ParameterizedTest
    @MethodSource("rules")
    void stepsAllocateNoOffHeapArray(String rule) {
        assumeTrue(BenchBackends.available().contains("nd4j"), "the nd4j backend is not available here");
        Backend nd4j = BenchBackends.open("nd4j");
        Workload w = Workload.of(Integer.toString(PARAMETERS));
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
        long resident = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 5 && grown == Long.MAX_VALUE; attempt++) {
            long collections = collections();
            long before = Pointer.totalBytes();
            long residentBefore = Pointer.physicalBytes();
            for (int k = 0; k < STEPS; k++) {
                optimizer.step(theta, g);
            }
            long after = Pointer.totalBytes();
            long residentAfter = Pointer.physicalBytes();
            if (collections() == collections) { // otherwise a collection may have freed something: measure again
                grown = after - before;
                resident = residentAfter - residentBefore;
            }
        }
        assertTrue(resident <= MAX_RESIDENT_GROWTH, rule + ": resident memory grew by " + resident + " bytes over "
                + STEPS + " steps of " + PARAMETERS + " parameters (an array per step would be "
                + 4L * PARAMETERS * STEPS + ")");
        assertTrue(grown != Long.MAX_VALUE, "a garbage collection interrupted every measurement");
        double perStep = (double) grown / STEPS;
        boolean blas = rule.equals("sgd") || rule.equals("momentum");
        assertTrue(blas ? grown == 0 : perStep <= MAX_BYTES_PER_STEP, rule + ": JavaCPP's off-heap bytes grew by "
                + perStep + " per step over " + STEPS + " steps");
    }

    /** The resident-memory instrument does see ND4J arrays kept across steps (as a per-step leak would be). */
    @org.junit.jupiter.api.Test
    void theInstrumentSeesAnArrayPerStep() {
        assumeTrue(BenchBackends.available().contains("nd4j"), "the nd4j backend is not available here");
        java.util.List<org.nd4j.linalg.api.ndarray.INDArray> kept = new java.util.ArrayList<>();
        long before = Pointer.physicalBytes();
        for (int k = 0; k < 50; k++) {
            kept.add(org.nd4j.linalg.factory.Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, PARAMETERS).addi(1));
        }
        long grown = Pointer.physicalBytes() - before;
        assertTrue(grown > 50L * 4 * PARAMETERS / 2, "50 arrays of " + 4 * PARAMETERS + " bytes moved resident memory by "
                + grown + " only");
        kept.clear();
    }

    private static long collections() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += gc.getCollectionCount();
        }
        return n;
    }
}
