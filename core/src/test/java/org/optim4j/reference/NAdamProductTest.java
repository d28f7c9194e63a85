package org.optim4j.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.optim4j.schedule.Schedule;
import org.optim4j.transform.ScaleByNAdam;

/**
 * NAdam's μ-product is remembered between steps; the scalars of a step must not depend on which steps were asked
 * before (a resumed run starts at its t, a second optimizer may share the transform).
 */
class NAdamProductTest {
    private static ScaleByNAdam fresh() {
        return new ScaleByNAdam(Schedule.fixed(0.9), Schedule.fixed(0.999), Schedule.fixed(1e-8), Schedule.fixed(0.004));
    }

    private static double[] at(ScaleByNAdam n, long t) {
        double[] out = new double[6];
        n.scalars(t, out, 0);
        return out;
    }

    @Test
    void scalarsAreAFunctionOfTheStepOnly() {
        ScaleByNAdam sequential = fresh();
        double[][] expected = new double[300][];
        for (int t = 0; t < 300; t++) {
            expected[t] = at(sequential, t);
        }
        ScaleByNAdam jumping = fresh();
        for (long t : new long[] {250, 3, 299, 0, 120, 121, 7}) {
            assertArrayEquals(expected[(int) t], at(jumping, t), "t = " + t);
            assertArrayEquals(expected[(int) t], at(fresh(), t), "fresh, t = " + t);
        }
    }
}
