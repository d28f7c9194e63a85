package org.optim4j.backends.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.optim4j.Optimizer;
import org.optim4j.rule.Adam;
import org.optim4j.rule.RmsProp;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.LearningRateSchedule;
import org.optim4j.spi.Buffer;

/** Wrapping a user's INDArrays without copying, and steps that allocate no native memory after the first. */
class Nd4jBufferTest {

    @Test
    void wrappingAViewUpdatesTheUsersArrayInPlace() {
        INDArray params = Nd4j.zeros(DataType.FLOAT, 1, 20); // DL4J keeps parameters as a [1, n] row
        INDArray layer = params.get(NDArrayIndex.point(0), NDArrayIndex.interval(4, 12));
        Nd4jBuffer b = Nd4jBuffer.wrap(layer);
        b.set(0, 3.5);
        assertEquals(3.5f, params.getFloat(0L, 4L));
        Nd4jBuffer whole = Nd4jBuffer.wrap(params);
        whole.set(19, 1.25);
        assertEquals(1.25f, params.getFloat(0L, 19L));
        assertEquals(Buffer.Precision.FLOAT64, Nd4jBuffer.wrap(Nd4j.zeros(DataType.DOUBLE, 3)).precision());
    }

    @Test
    void arraysThatWouldNeedACopyOrAnotherTypeAreRefusedWithTheReason() {
        INDArray matrix = Nd4j.zeros(DataType.FLOAT, 3, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Nd4jBuffer.wrap(matrix.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2))));
        assertTrue(e.getMessage().contains("without a copy"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Nd4jBuffer.wrap(Nd4j.zeros(DataType.INT, 3)));
        assertTrue(e.getMessage().contains("INT"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Nd4jBuffer.wrap(null));
    }

    /**
     * Steps allocate no array: resident memory (which sees ND4J's arrays; JavaCPP's {@code Pointer.totalBytes()}
     * does not) does not grow by an array per step over 50 steps with no garbage collection in between (ND4J frees
     * an array only after a collection finds it unreachable, so a per-step array would accumulate), and the scratch
     * array is the one made at the first step. The same instrument is first shown to see 50 arrays kept.
     */
    @Test
    void stepsAfterTheFirstAllocateNoNativeMemory() {
        int n = 1 << 20; // 4 MiB per array: 50 steps with an array each would add 200 MiB
        long arrayBytes = 4L * n;
        List<INDArray> kept = new ArrayList<>();
        long before = Pointer.physicalBytes();
        for (int i = 0; i < STEPS; i++) {
            kept.add(Nd4j.zeros(DataType.FLOAT, n).addi(1)); // written, so its pages are resident
        }
        long seen = Pointer.physicalBytes() - before;
        assertTrue(seen > STEPS * arrayBytes / 2, STEPS + " arrays of " + arrayBytes + " bytes moved resident memory by "
                + seen + " bytes only: the instrument does not see ND4J arrays");
        kept.clear();

        for (UpdateRule rule : List.of(Adam.defaults(), new Adam(LearningRateSchedule.constant(1e-3), 0.5, 0.9, 1e-8),
                RmsProp.of(1e-3), new RmsProp(LearningRateSchedule.constant(1e-3), 0.9999, 1e-8))) {
            Optimizer opt = Optimizer.create(rule, new Nd4jBackend(), n);
            Buffer theta = opt.newBuffer(), g = opt.newBuffer();
            float[] gradient = new float[n];
            java.util.Arrays.fill(gradient, 0.25f);
            g.copyFrom(gradient);
            opt.step(theta, g); // prepares the scratch array
            INDArray scratch = ((Nd4jBuffer) opt.state().buffers().get(0)).scratch();
            long grown = Long.MAX_VALUE;
            for (int attempt = 0; attempt < 5 && grown == Long.MAX_VALUE; attempt++) {
                long collections = collections();
                long start = Pointer.physicalBytes();
                for (int i = 0; i < STEPS; i++) {
                    opt.step(theta, g);
                }
                long end = Pointer.physicalBytes();
                if (collections() == collections) { // otherwise a collection may have freed something: measure again
                    grown = end - start;
                }
            }
            assertTrue(grown != Long.MAX_VALUE, "a garbage collection interrupted every measurement");
            // An array per step would add STEPS × 4 MiB = 200 MiB; allow a quarter of that for the JVM's own noise.
            assertTrue(grown < STEPS * arrayBytes / 4, rule + ": " + STEPS + " steps grew resident memory by " + grown
                    + " bytes (an array per step would be " + STEPS * arrayBytes + ")");
            assertSame(scratch, ((Nd4jBuffer) opt.state().buffers().get(0)).scratch());
        }
    }

    private static final int STEPS = 50;

    private static long collections() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += gc.getCollectionCount();
        }
        return n;
    }
}
