package org.optim4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.checkpoint.Checkpoint;
import org.optim4j.rule.AdamWScheduleFree;
import org.optim4j.rule.ChainRule;
import org.optim4j.rule.Lamb;
import org.optim4j.rule.Nesterov;
import org.optim4j.rule.Rules;
import org.optim4j.rule.Transforms;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spi.FloatArrayBuffer;
import org.optim4j.state.Range;
import org.optim4j.transform.ScaleByTrustRatio;
import org.optim4j.transform.Transform;

/**
 * LAMB's per-tensor reduction inside the engine (groups, accumulation, refusals) and schedule-free AdamW's
 * evaluation point and host scalars. Values against the references: LambScheduleFreeReferenceTest.
 */
class LambScheduleFreeTest {
    private static final ScalarBackend SCALAR = new ScalarBackend();

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextDouble(-1, 1);
        }
        return x;
    }

    private static ParameterSet layout() {
        return ParameterSet.builder().add("W", 3, 2).add("b", 3).add("V", 4).build(SCALAR);
    }

    /** A group of LAMB over some tensors equals a separate LAMB optimizer over just those tensors, bit for bit. */
    @Test
    void perTensorNormsFollowTheLayoutAndTheGroups() {
        ParameterSet p = layout();
        UpdateRule decayed = Lamb.of(0.01, 0.9, 0.999, 1e-6, 0.1);
        UpdateRule plain = Lamb.of(0.01, 0.9, 0.999, 1e-6, 0);
        Optimizer grouped = Optimizer.builder(decayed).backend(SCALAR).layout(p).group("no_decay", plain, "b").build();
        // The same split as two optimizers: W and V (offsets 0 and 9), and b (offset 6), each with its own layout.
        ParameterSet wv = ParameterSet.builder().add("W", 3, 2).add("V", 4).build(SCALAR);
        ParameterSet b = ParameterSet.builder().add("b", 3).build(SCALAR);
        Optimizer first = Optimizer.builder(decayed).backend(SCALAR).layout(wv).build();
        Optimizer second = Optimizer.builder(plain).backend(SCALAR).layout(b).build();
        float[] theta = random(13, 1);
        float[] thetaWv = new float[10], thetaB = new float[3];
        System.arraycopy(theta, 0, thetaWv, 0, 6);
        System.arraycopy(theta, 9, thetaWv, 6, 4);
        System.arraycopy(theta, 6, thetaB, 0, 3);
        for (int s = 0; s < 5; s++) {
            float[] g = random(13, 10 + s);
            float[] gWv = new float[10], gB = new float[3];
            System.arraycopy(g, 0, gWv, 0, 6);
            System.arraycopy(g, 9, gWv, 6, 4);
            System.arraycopy(g, 6, gB, 0, 3);
            grouped.step(theta, g);
            first.step(thetaWv, gWv);
            second.step(thetaB, gB);
        }
        float[] expected = new float[13];
        System.arraycopy(thetaWv, 0, expected, 0, 6);
        System.arraycopy(thetaWv, 6, expected, 9, 4);
        System.arraycopy(thetaB, 0, expected, 6, 3);
        assertArrayEquals(expected, theta);
    }

    /** The layout matters: one tensor (no layout) gives another trajectory than three. */
    @Test
    void withoutALayoutTheWholeBufferIsOneTensor() {
        UpdateRule lamb = Lamb.of(0.01, 0.9, 0.999, 1e-6, 0.01);
        Optimizer perTensor = Optimizer.builder(lamb).backend(SCALAR).layout(layout()).build();
        Optimizer global = Optimizer.create(lamb, SCALAR, 13);
        float[] a = random(13, 2), b = a.clone();
        float[] g = random(13, 3);
        perTensor.step(a, g);
        global.step(b, g);
        assertTrue(!java.util.Arrays.equals(a, b));
    }

    /** Accumulation: the k-th call runs LAMB on the mean; the other calls leave θ alone. */
    @Test
    void accumulatedLambIsLambOnTheMeanGradient() {
        UpdateRule lamb = Lamb.of(0.01, 0.9, 0.999, 1e-6, 0.01);
        Optimizer acc = Optimizer.builder(Transforms.accumulate(lamb, 2)).backend(new DoubleTestBackend())
                .parameterCount(13).build();
        Optimizer direct = Optimizer.builder(lamb).backend(new DoubleTestBackend()).parameterCount(13).build();
        DoubleTestBackend d = new DoubleTestBackend();
        var ta = d.allocate(13);
        var td = d.allocate(13);
        var g1 = d.allocate(13);
        var g2 = d.allocate(13);
        var mean = d.allocate(13);
        float[] t0 = random(13, 4), x1 = random(13, 5), x2 = random(13, 6);
        for (int i = 0; i < 13; i++) {
            ta.set(i, t0[i]);
            td.set(i, t0[i]);
            g1.set(i, x1[i]);
            g2.set(i, x2[i]);
            mean.set(i, (x1[i] + (double) x2[i]) / 2);
        }
        acc.step(ta, g1);
        assertEquals(t0[0], ta.get(0));
        acc.step(ta, g2);
        direct.step(td, mean);
        for (int i = 0; i < 13; i++) {
            assertEquals(td.get(i), ta.get(i), 1e-15 * Math.abs(td.get(i)));
        }
    }

    @Test
    void twoPerTensorReductionsOrOneWithALookAheadAreRefusedWhenBuilt() {
        UpdateRule two = new ChainRule("two", List.of(new ScaleByTrustRatio(), new ScaleByTrustRatio()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizer.create(two, SCALAR, 3));
        assertTrue(e.getMessage().contains("two per-tensor reductions"), e.getMessage());
        UpdateRule la = Transforms.prepend(Nesterov.of(0.1, 0.9), new ScaleByTrustRatio());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizer.create(la, SCALAR, 3));
        assertTrue(e.getMessage().contains("look-ahead") && e.getMessage().contains("scale_by_trust_ratio"),
                e.getMessage());
    }

    /** A step refused at its scalars (a schedule out of range) leaves LAMB's θ and state as they were. */
    @Test
    void aRefusedLambStepChangesNothing() {
        org.optim4j.schedule.Schedule badAt3 = t -> t == 3 ? -1 : 0.01;
        UpdateRule lamb = Lamb.of(0.01, 0.9, 0.999, 1e-6, 0.01).withLearningRate(badAt3);
        Optimizer opt = Optimizer.builder(lamb).backend(SCALAR).layout(layout()).build();
        float[] theta = random(13, 7);
        for (int s = 0; s < 3; s++) {
            opt.step(theta, random(13, 20 + s));
        }
        var before = opt.snapshot();
        float[] copy = theta.clone();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> opt.step(theta, random(13, 30)));
        assertTrue(e.getMessage().startsWith("learning_rate at step 3"), e.getMessage());
        assertArrayEquals(copy, theta);
        for (String name : before.state().keySet()) {
            assertEquals(before.state(name), opt.snapshot().state(name), name);
        }
        assertEquals(3, opt.state().step());
    }

    private static UpdateRule scheduleFree(String hp) {
        return Rules.create(AdamWScheduleFree.ID, Rules.parse(AdamWScheduleFree.ID, hp));
    }

    @Test
    void theEvaluationPointIsTheParametersBeforeTheFirstStepAndForOtherRules() {
        Optimizer opt = Optimizer.builder(scheduleFree("lr=0.01")).backend(SCALAR).layout(layout())
                .group("plain", Lamb.of(0.01, 0.9, 0.999, 1e-6, 0), "b").build();
        float[] theta = random(13, 8), x = new float[13];
        opt.evaluationPoint(theta, x);
        assertArrayEquals(theta, x);
        for (int s = 0; s < 3; s++) {
            opt.step(theta, random(13, 40 + s));
        }
        opt.evaluationPoint(theta, x);
        for (int i = 6; i < 9; i++) {
            assertEquals(theta[i], x[i], "the LAMB group's x is θ");
        }
        assertTrue(x[0] != theta[0], "the schedule-free group's x differs from y");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.evaluationPoint(theta, theta));
        assertTrue(e.getMessage().contains("same"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> opt.evaluationPoint(theta, new float[12]));
        assertTrue(e.getMessage().contains("out") && e.getMessage().contains("12"), e.getMessage());
    }

    /**
     * lr_max and the weight sum are recomputed from the step count: a resumed optimizer (a fresh rule instance, from
     * a checkpoint) and one that jumps back (load of an earlier snapshot) continue bit for bit.
     */
    @Test
    void scheduleFreeResumesBitForBitFromACheckpoint() {
        String hp = "lr=0.02,warmup_steps=4,r=0.5,weight_decay=0.01";
        Optimizer straight = Optimizer.builder(scheduleFree(hp)).backend(SCALAR).layout(layout()).build();
        float[] theta = random(13, 9);
        Checkpoint at5 = null;
        float[] theta5 = null;
        for (int s = 0; s < 12; s++) {
            if (s == 5) {
                at5 = Checkpoint.capture(straight, FloatArrayBuffer.wrap(theta));
                theta5 = theta.clone();
            }
            straight.step(theta, random(13, 50 + s));
        }
        Optimizer resumed = Optimizer.builder(scheduleFree(hp)).backend(SCALAR).layout(layout()).build();
        FloatArrayBuffer t = FloatArrayBuffer.zeros(13);
        at5.restore(resumed, t);
        assertArrayEquals(theta5, t.array());
        for (int s = 5; s < 12; s++) {
            resumed.step(t.array(), random(13, 50 + s));
        }
        assertArrayEquals(theta, t.array());
        assertEquals(Checkpoint.capture(straight, FloatArrayBuffer.wrap(theta)), Checkpoint.capture(resumed, t));
        // The first optimizer jumps back to step 5 (its remembered sums are ahead) and replays the same steps.
        float[] again = new float[13];
        at5.restore(straight, FloatArrayBuffer.wrap(again));
        for (int s = 5; s < 12; s++) {
            straight.step(again, random(13, 50 + s));
        }
        assertArrayEquals(theta, again);
    }

    /** The transform's host scalars at step t do not depend on which steps were asked before. */
    @Test
    void scheduleFreeScalarsAreAFunctionOfTheStep() {
        Transform a = scheduleFree("lr=0.02,warmup_steps=4,r=0.5").transforms().get(0);
        Transform b = scheduleFree("lr=0.02,warmup_steps=4,r=0.5").transforms().get(0);
        double[] x = new double[7], y = new double[7];
        for (long t = 0; t < 20; t++) {
            a.scalars(t, x, 0);
        }
        b.scalars(7, y, 0);
        b.scalars(19, y, 0);
        b.scalars(19, y, 0);
        assertArrayEquals(x, y);
        b.scalars(3, y, 0);
        a.scalars(3, x, 0);
        assertArrayEquals(x, y);
    }

    /** Found merging issue 14: pass 1 of a per-tensor reduction is only shown equal to pass 2 over float32 state. */
    @Test
    void aPerTensorReductionOverCompressedStateIsRefusedWhenBuilt() {
        for (org.optim4j.quant.StateFormat format : List.of(org.optim4j.quant.StateFormat.BF16,
                org.optim4j.quant.StateFormat.INT8)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizer
                    .builder(Lamb.defaults()).backend(new ScalarBackend()).parameterCount(16).stateFormat(format)
                    .build());
            assertEquals("rule 'lamb' has a per-tensor reduction ('scale_by_trust_ratio'), which needs stateFormat"
                    + " f32, got " + format.id(), e.getMessage());
        }
    }
}
