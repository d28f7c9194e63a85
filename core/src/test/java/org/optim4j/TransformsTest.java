package org.optim4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.checkpoint.Checkpoint;
import org.optim4j.rule.Adam;
import org.optim4j.rule.Nesterov;
import org.optim4j.rule.Sgd;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.AccumulateGradients;
import org.optim4j.transform.ClipByGlobalNorm;
import org.optim4j.transform.ClipByValue;
import org.optim4j.rule.Transforms;

/** Gradient transforms in front of a rule: ids, accumulation's state, counters and refusals. (Values: TransformsPyTorchTest.) */
class TransformsTest {
    private static final ScalarBackend SCALAR = new ScalarBackend();

    @Test
    void prependNamesTheChain() {
        UpdateRule r = Transforms.prepend(Adam.of(1e-3), ClipByValue.of(0.5), Transforms.l2(1e-4));
        assertEquals("clip_by_value+add_decayed_weights+adam", r.id());
        assertEquals(List.of("clip_value", "weight_decay", "rho1", "rho2", "epsilon", "learning_rate"),
                List.copyOf(r.hyperParameters().keySet()));
    }

    /**
     * A prepended or accumulated rule is stored like a registered one (its id names its parts) and rebuilt from the
     * file: the resumed run, mid-accumulation, is bit for bit the uninterrupted one.
     */
    @Test
    void prependedAndAccumulatedRulesAreCheckpointed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        UpdateRule rule = Transforms.accumulate(Transforms.prepend(Adam.of(1e-2), ClipByValue.of(0.5),
                Transforms.l2(1e-3)), 3);
        assertEquals("accumulate_gradients+clip_by_value+add_decayed_weights+adam", rule.id());
        Optimizer a = Optimizer.create(rule, SCALAR, 2);
        float[] theta = {1, -1};
        for (int call = 0; call < 4; call++) {
            a.step(theta, new float[] {call, 1 - call});
        }
        java.nio.file.Path file = dir.resolve("prepended.ckpt");
        Checkpoint.capture(a, org.optim4j.spi.FloatArrayBuffer.wrap(theta)).write(file);
        Checkpoint back = Checkpoint.read(file);
        assertTrue(UpdateRule.sameDefinition(rule, back.rule()), back.rule().toString());
        Optimizer b = Optimizer.create(back.rule(), SCALAR, 2);
        org.optim4j.spi.FloatArrayBuffer copy = org.optim4j.spi.FloatArrayBuffer.zeros(2);
        back.restore(b, copy);
        for (int call = 4; call < 11; call++) {
            a.step(theta, new float[] {call, 1 - call});
            b.step(copy.array(), new float[] {call, 1 - call});
        }
        assertArrayEquals(theta, copy.array());
    }

    @Test
    void aCheckpointRefusesRulesItCouldNotRebuildNamingThem() {
        // l2 in front of AdamW: two weight_decays, which values by name cannot tell apart
        Optimizer twoDecays = Optimizer.create(Transforms.prepend(org.optim4j.rule.AdamW.of(1e-3, 0.01),
                Transforms.l2(1e-4)), SCALAR, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.capture(twoDecays));
        assertTrue(e.getMessage().startsWith("rule 'add_decayed_weights+adamw' cannot be stored in a checkpoint")
                && e.getMessage().contains("'add_decayed_weights' and 'adamw' both have a hyper-parameter 'weight_decay'"),
                e.getMessage());
        // a chain of the user's under an id of its own
        Optimizer own = Optimizer.create(UpdateRule.chain("mine", ClipByValue.of(1), new org.optim4j.transform
                .ScaleByLearningRate(Schedule.constant(0.1))), SCALAR, 2);
        e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.capture(own));
        assertTrue(e.getMessage().startsWith("rule 'mine' cannot be stored in a checkpoint: it is not registered"),
                e.getMessage());
        // A registered id on another chain would come back as the registered rule: refused, naming both chains.
        UpdateRule impostor = new org.optim4j.rule.ChainRule("adam",
                Transforms.prepend(Adam.of(1e-3), new org.optim4j.transform.ScaleByTrustRatio()).transforms());
        Optimizer i = Optimizer.create(impostor, SCALAR, 2);
        e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.capture(i));
        assertTrue(e.getMessage().contains("scale_by_trust_ratio+scale_by_adam+scale_by_learning_rate")
                && e.getMessage().contains("is not the registered 'adam'"), e.getMessage());
        UpdateRule extra = new org.optim4j.rule.ChainRule("adam",
                Transforms.prepend(Adam.of(1e-3), ClipByValue.of(0.5)).transforms());
        Optimizer x = Optimizer.create(extra, SCALAR, 2);
        e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.capture(x));
        assertTrue(e.getMessage().contains("registry cannot rebuild it") && e.getMessage().contains("clip_value"),
                e.getMessage());
        // in memory, all still work
        assertEquals(2, twoDecays.snapshot().parameterCount());
    }

    @Test
    void clipByValueClampsEachElementAndChecksItsScheduleAtEveryStep() {
        Optimizer o = Optimizer.create(Transforms.prepend(Sgd.of(1), ClipByValue.of(0.5)), SCALAR, 3);
        float[] theta = {0, 0, 0};
        o.step(theta, new float[] {2, -0.25f, -7});
        assertArrayEquals(new float[] {-0.5f, 0.25f, 0.5f}, theta);
        assertThrows(IllegalArgumentException.class, () -> ClipByValue.of(0));
        Optimizer late = Optimizer.create(Transforms.prepend(Sgd.of(1), new ClipByValue(t -> 1 - t)), SCALAR, 1);
        float[] one = {0};
        late.step(one, new float[] {1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> late.step(one, new float[] {1}));
        assertTrue(e.getMessage().startsWith("clip_value at step 1 is 0.0"), e.getMessage());
        assertEquals(1, late.state().step());
    }

    /** A snapshot taken half-way through an accumulation carries the partial sum: the resumed run is bit-identical. */
    @Test
    void accumulationLivesInTheStateAndResumesMidCycle() {
        UpdateRule rule = Transforms.accumulate(Adam.of(0.01), 3);
        assertEquals(List.of(AccumulateGradients.STATE, "s", "r"), rule.stateNames());
        Optimizer a = Optimizer.create(rule, SCALAR, 2);
        float[] theta = {1, -1};
        for (int call = 0; call < 5; call++) {
            a.step(theta, new float[] {call, 1 - call});
        }
        assertEquals(5, a.state().step());
        assertArrayEquals(new float[] {3 + 4, -2 - 3}, a.state().buffer(AccumulateGradients.STATE).toFloatArray());
        Optimizer b = Optimizer.create(rule, SCALAR, 2);
        b.load(a.snapshot());
        float[] copy = theta.clone();
        for (int call = 5; call < 11; call++) {
            a.step(theta, new float[] {call, 1 - call});
            b.step(copy, new float[] {call, 1 - call});
        }
        assertArrayEquals(theta, copy);
        assertEquals(11, b.state().step());
        assertArrayEquals(new float[] {9 + 10, -8 - 9}, b.state().buffer(AccumulateGradients.STATE).toFloatArray(),
                "updates at calls 2, 5, 8 (each clears the sum); calls 9 and 10 are accumulated");
    }

    @Test
    void aNonFiniteMicroBatchIsSkippedWithoutBeingAccumulated() {
        Optimizer o = Optimizer.builder(Transforms.accumulate(Sgd.of(1), 2)).backend(SCALAR).parameterCount(1)
                .nonFinitePolicy(NonFinitePolicy.SKIP_STEP).build();
        float[] theta = {0};
        assertTrue(o.step(theta, new float[] {2}));
        assertFalse(o.step(theta, new float[] {Float.NaN}));
        assertEquals(1, o.state().step());
        assertEquals(0, theta[0]);
        assertTrue(o.step(theta, new float[] {4}));
        assertEquals(-3, theta[0], 0, "the mean of 2 and 4");
    }

    /** Clipping after accumulation clips the mean of the micro-batches, not each one. */
    @Test
    void clipAfterAccumulationClipsTheMean() {
        UpdateRule rule = Transforms.accumulate(Transforms.prepend(Sgd.of(1), new ClipByGlobalNorm(Schedule.fixed(1))), 2);
        Optimizer o = Optimizer.create(rule, SCALAR, 2);
        float[] theta = {0, 0};
        o.step(theta, new float[] {6, 0});
        o.step(theta, new float[] {0, 8}); // mean (3, 4), norm 5 → (0.6, 0.8)
        assertArrayEquals(new float[] {-0.6f, -0.8f}, theta, 1e-7f);
    }

    @Test
    void accumulationMustComeFirstAndRefusesALookahead() {
        UpdateRule late = Transforms.prepend(Transforms.accumulate(Sgd.of(1), 2), ClipByValue.of(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizer.create(late, SCALAR, 1));
        assertTrue(e.getMessage().contains("must be the first"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Optimizer.create(Transforms.accumulate(Nesterov.of(0.1, 0.9), 2), SCALAR, 1));
        assertTrue(e.getMessage().contains("look-ahead"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AccumulateGradients(0));
    }

    /**
     * Per-tensor norm clipping is not a transform (the optimizer's reductions are per group, over the group's
     * input): it is one group per tensor, each with clip_by_global_norm, and each tensor is then clipped by its own
     * norm.
     */
    @Test
    void perTensorClippingIsOneGroupPerTensor() {
        ParameterSet params = ParameterSet.builder().add("W", 2).add("b", 2).build(SCALAR);
        UpdateRule clipped = Transforms.prepend(Sgd.of(1), new ClipByGlobalNorm(Schedule.fixed(1)));
        Optimizer o = Optimizer.builder(clipped).backend(SCALAR).layout(params).group("b", clipped, "b").build();
        ParameterSet grads = params.newLike();
        grads.flat().copyFrom(new float[] {3, 4, 0.3f, 0.4f});
        o.step(params, grads);
        assertArrayEquals(new float[] {-0.6f, -0.8f, -0.3f, -0.4f}, params.flat().toFloatArray(), 1e-7f);
    }
}
