package org.optim4j.network.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.optim4j.Optimizer;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.network.Activation;
import org.optim4j.network.Engine;
import org.optim4j.network.Mlp;
import org.optim4j.network.MlpArchitecture;
import org.optim4j.network.data.Dataset;
import org.optim4j.network.data.Digits;
import org.optim4j.rule.Adam;
import org.optim4j.spi.FloatArrayBuffer;

class DataParallelReferenceTest {
    private static final Dataset.Split DIGITS = Digits.load().scaledBy(Digits.MAX_PIXEL).split(0.8, 42);
    private static final MlpArchitecture ARCH = MlpArchitecture.of(Activation.RELU, 64, 24, 10);

    @Test
    void oneWorkerIsTheTrainerStepForStep() {
        int batch = 32;
        Dataset train = DIGITS.train().select(identity(44 * batch)); // a whole number of batches
        FloatArrayBuffer a = FloatArrayBuffer.zeros(ARCH.parameterCount());
        FloatArrayBuffer b = FloatArrayBuffer.zeros(ARCH.parameterCount());
        Mlp mlpA = Mlp.create(ARCH, Engine.JAVA, batch);
        Mlp mlpB = Mlp.create(ARCH, Engine.JAVA, batch);
        mlpA.initialise(a, 7);
        mlpB.initialise(b, 7);
        Optimizer optA = Optimizer.create(Adam.defaults(), new ScalarBackend(), ARCH.parameterCount());
        Optimizer optB = Optimizer.create(Adam.defaults(), new ScalarBackend(), ARCH.parameterCount());
        new Trainer(mlpA, optA, a, train, DIGITS.test(), batch, 7, Trainer.NesterovForm.REPARAMETRISED).epoch(0, null);
        DataParallelReference ref = new DataParallelReference(mlpB, optB, b, train, new ShardPlan(train.rows(), 1, batch, 7), 0);
        for (int i = 0; i < 44; i++) {
            ref.step();
        }
        assertArrayEquals(a.array(), b.array(), "one worker, same rows: the Trainer's parameters");
        assertArrayEquals(toArray(optA, "s"), toArray(optB, "s"), "and the state");
    }

    @Test
    void piecesAreDisjointWithinAnEpochAndEachWorkerStaysInItsShard() {
        ShardPlan plan = new ShardPlan(103, 3, 5, 11);
        assertEquals(34 / 5, plan.stepsPerEpoch());
        Set<Integer> seen = new HashSet<>();
        for (int t = 0; t < plan.stepsPerEpoch(); t++) {
            for (int p = 0; p < 3; p++) {
                for (int r : plan.rows(t, p)) {
                    assertTrue(r >= plan.shardFrom(p) && r < plan.shardTo(p), "row " + r + " outside shard " + p);
                    assertTrue(seen.add(r), "row " + r + " used twice in one epoch");
                }
            }
        }
        assertNotEquals(Arrays.toString(plan.rows(0, 0)), Arrays.toString(plan.rows(plan.stepsPerEpoch(), 0)),
                "epoch 1 reshuffles");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ShardPlan(10, 3, 4, 0));
        assertEquals("rows must be >= workers × perWorkerBatch = 3 × 4, got 10", e.getMessage());
    }

    @Test
    void combineIsAnOrderedMeanAndASliceOfItIsTheSliceOfTheWhole() {
        float[] g0 = {1e8f, 1f, -0f}, g1 = {1f, 2f, -0f}, g2 = {-1e8f, 3f, -0f};
        float[] whole = new float[3];
        PartialGradients.combineInto(List.of(g0, g1, g2), 0, 0, 3, whole);
        assertEquals(((1e8f + 1f) + -1e8f) / 3f, whole[0]); // 0: the 1 is lost in order 0, 1, 2
        assertEquals(2f, whole[1]);
        float[] slice = new float[2];
        PartialGradients.combineInto(List.of(Arrays.copyOfRange(g0, 1, 3), Arrays.copyOfRange(g1, 1, 3),
                Arrays.copyOfRange(g2, 1, 3)), 1, 1, 3, slice);
        assertArrayEquals(Arrays.copyOfRange(whole, 1, 3), slice);
        float[] one = new float[3];
        PartialGradients.combineInto(List.of(g0), 0, 0, 3, one);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(one[2]), "one part: its bits, -0 kept");
    }

    private static float[] toArray(Optimizer o, String name) {
        return ((FloatArrayBuffer) o.state().buffer(name)).array();
    }

    private static int[] identity(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }
}
