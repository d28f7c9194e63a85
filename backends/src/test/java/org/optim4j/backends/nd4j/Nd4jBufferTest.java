package org.optim4j.backends.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.optim4j.Optimizer;
import org.optim4j.rule.Adam;
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

    @Test
    void stepsAfterTheFirstAllocateNoNativeMemory() {
        Nd4jBackend backend = new Nd4jBackend();
        int n = 100_000;
        Optimizer adam = Optimizer.create(Adam.defaults(), backend, n);
        Buffer theta = adam.newBuffer(), g = adam.newBuffer();
        g.copyFrom(new float[n]);
        adam.step(theta, g); // prepares the scratch array
        INDArray scratch = ((Nd4jBuffer) adam.state().buffer("s")).scratch();
        long before = Pointer.totalBytes();
        for (int i = 0; i < 50; i++) {
            adam.step(theta, g);
        }
        long grown = Pointer.totalBytes() - before;
        // A per-step array of n floats would add 400 KB per step; allow only small native bookkeeping.
        assertTrue(grown < 64 * 1024, "50 steps grew native memory by " + grown + " bytes");
        assertSame(scratch, ((Nd4jBuffer) adam.state().buffer("s")).scratch());
    }
}
