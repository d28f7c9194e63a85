package org.optim4j.backends.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.optim4j.reliability.ChildJvm;
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
     * Steps allocate no array: resident memory (which sees ND4J's arrays; JavaCPP's {@code Pointer.totalBytes()} does
     * not) grows by much less than an array per step over 50 steps of 1M parameters with no garbage collection in
     * between (ND4J frees an array only after a collection finds it unreachable, so a per-step array would
     * accumulate), for Adam and RMSProp on both nd4j paths, and the scratch array stays the one made at the first
     * step. Measured in a fresh JVM ({@link Nd4jStepMemoryChild}): in this one, memory freed by earlier tests is
     * handed out again without growing the resident set, which hid 50 new arrays (16 MB seen of 200 MB). The child
     * also shows that its instrument sees 50 arrays kept.
     */
    @Test
    void stepsAfterTheFirstAllocateNoNativeMemory(@TempDir Path dir) throws Exception {
        int n = 1 << 20;
        long arrayBytes = 4L * n;
        int steps = 50;
        ChildJvm.Result child = ChildJvm.run(ChildJvm.command(Nd4jStepMemoryChild.class, List.of("-Xmx512m"),
                "" + n, "" + steps), Duration.ofSeconds(300), dir.resolve("child.out"));
        assertEquals(0, child.exitCode(), child.output());
        List<String> lines = child.output().lines().filter(l -> l.startsWith("rule ") || l.startsWith("instrument "))
                .toList();
        assertEquals(Nd4jStepMemoryChild.rules().size() + 1, lines.size(), child.output());
        String[] instrument = lines.get(lines.size() - 1).split(" ");
        long seen = Long.parseLong(instrument[1]);
        assertTrue(seen > 50 * arrayBytes / 2, "50 arrays of " + arrayBytes + " bytes moved resident memory by " + seen
                + " bytes only: the instrument does not see ND4J arrays");
        for (String line : lines.subList(0, lines.size() - 1)) {
            String[] f = line.split(" ", 4);
            long grown = Long.parseLong(f[1]);
            assertTrue(grown >= 0, "a garbage collection interrupted every measurement: " + line);
            // An array per step would add 50 × 4 MiB = 200 MiB; allow a quarter of that for the JVM's own noise.
            assertTrue(grown < steps * arrayBytes / 4, f[3] + ": " + steps + " steps grew resident memory by " + grown
                    + " bytes (an array per step would be " + steps * arrayBytes + ")");
            assertTrue(Boolean.parseBoolean(f[2]), f[3] + ": the scratch array was replaced");
        }
    }
}
