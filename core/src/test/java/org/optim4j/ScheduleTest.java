package org.optim4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.optim4j.schedule.ConstantRate;
import org.optim4j.schedule.Schedule;
import org.optim4j.schedule.LinearDecay;

class ScheduleTest {

    @Test
    void linearDecayStartsAtAlpha0EndsAtAlphaTauAndIsLinearBetween() {
        LinearDecay d = new LinearDecay(0.1, 0.001, 100);
        assertEquals(0.1, d.value(0), 0);
        assertEquals(0.001, d.value(100), 0);
        assertEquals(0.001, d.value(101), 0);
        assertEquals(0.001, d.value(1_000_000), 0);
        assertEquals((0.1 + 0.001) / 2, d.value(50), 1e-15);
        assertEquals(0.99 * 0.1 + 0.01 * 0.001, d.value(1), 1e-15);
        assertEquals(0.01 * 0.1 + 0.99 * 0.001, d.value(99), 1e-15);
        // Linear: constant first difference on [0, τ], each step lowering α by (α_0 − α_τ)/τ.
        double step = (0.1 - 0.001) / 100;
        for (long t = 0; t < 100; t++) {
            assertEquals(step, d.value(t) - d.value(t + 1), 1e-15, "α_" + t + " − α_" + (t + 1));
        }
    }

    @Test
    void decayToZeroIsAllowedAndIncreasingSchedulesToo() {
        assertEquals(0, new LinearDecay(0.1, 0, 10).value(10), 0);
        // α_τ > α_0 is not forbidden by the spec: a linear warm-up.
        assertEquals(0.2, new LinearDecay(0.1, 0.3, 2).value(1), 1e-15);
    }

    @Test
    void parsesTheCommandLineForms() {
        assertEquals(new ConstantRate(0.05), Schedule.parse("0.05"));
        assertEquals(new LinearDecay(0.1, 0.001, 1000), Schedule.parse("linear:0.1,0.001,1000"));
        assertInstanceOf(ConstantRate.class, Schedule.parse("constant:1e-3"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Schedule.parse("linear:0.1,0.001"));
        assertTrue(e.getMessage().contains("linear:0.1,0.001"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Schedule.parse("fast"));
        assertTrue(e.getMessage().contains("'fast'"), e.getMessage());
    }
}
