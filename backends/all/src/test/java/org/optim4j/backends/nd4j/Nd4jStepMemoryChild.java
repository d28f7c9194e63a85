package org.optim4j.backends.nd4j;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.optim4j.Optimizer;
import org.optim4j.rule.Adam;
import org.optim4j.rule.RmsProp;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;
import org.optim4j.spi.Buffer;

/**
 * The process of {@link Nd4jBufferTest#stepsAfterTheFirstAllocateNoNativeMemory}: in a fresh JVM, whose native
 * allocator holds no memory freed by earlier tests (memory it would hand out again without growing the resident
 * set, which would hide a per-step array), measures the resident memory over {@code steps} steps of each rule on
 * both nd4j paths (native op, exact chain), with no garbage collection in between; then, last, how much 50 arrays
 * kept move it (the instrument must see arrays). Prints one line per measurement.
 */
public final class Nd4jStepMemoryChild {
    private Nd4jStepMemoryChild() {
    }

    static List<UpdateRule> rules() {
        return List.of(Adam.defaults(), new Adam(Schedule.constant(1e-3), 0.5, 0.9, 1e-8),
                RmsProp.of(1e-3), new RmsProp(Schedule.constant(1e-3), 0.9999, 1e-8));
    }

    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        int steps = Integer.parseInt(args[1]);
        for (UpdateRule rule : rules()) {
            Optimizer opt = Optimizer.create(rule, new Nd4jBackend(), n);
            Buffer theta = opt.newBuffer();
            Buffer g = opt.newBuffer();
            float[] gradient = new float[n];
            Arrays.fill(gradient, 0.25f);
            g.copyFrom(gradient);
            opt.step(theta, g); // prepares the scratch array
            INDArray scratch = ((Nd4jBuffer) opt.state().buffers().get(0)).scratch();
            long grown = -1;
            for (int attempt = 0; attempt < 5 && grown < 0; attempt++) {
                long collections = collections();
                long start = Pointer.physicalBytes();
                for (int i = 0; i < steps; i++) {
                    opt.step(theta, g);
                }
                long end = Pointer.physicalBytes();
                if (collections() == collections) { // otherwise a collection may have freed something: measure again
                    grown = Math.max(0, end - start);
                }
            }
            boolean sameScratch = scratch == ((Nd4jBuffer) opt.state().buffers().get(0)).scratch();
            System.out.println("rule " + grown + " " + sameScratch + " " + rule);
        }
        List<INDArray> kept = new ArrayList<>();
        long before = Pointer.physicalBytes();
        for (int i = 0; i < 50; i++) {
            kept.add(Nd4j.zeros(DataType.FLOAT, n).addi(1)); // written, so its pages are resident
        }
        System.out.println("instrument " + (Pointer.physicalBytes() - before) + " " + kept.size());
    }

    private static long collections() {
        long c = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            c += gc.getCollectionCount();
        }
        return c;
    }
}
