package org.optim4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.optim4j.backend.Backends;
import org.optim4j.rule.Adam;
import org.optim4j.rule.Nesterov;
import org.optim4j.spi.Backend;
import org.optim4j.spi.FloatArrayBuffer;

/** Issue 12 item 6: a set over the user's own arrays, tensors read and written by name, closures by tensor. */
class ParameterSetTest {
    private final Backend scalar = Backends.byName("scalar");

    private static ParameterSet.Builder layout() {
        return ParameterSet.builder().add("W", 3, 2).add("b", 3);
    }

    @Test
    void wrapsTheUsersArrayWithoutACopyAndAStepUpdatesItInPlace() {
        float[] mine = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        ParameterSet params = layout().wrap(mine);
        assertSame(mine, ((FloatArrayBuffer) params.flat()).array());
        ParameterSet grads = params.newLike();
        grads.copyFrom("b", new float[] {1, 1, 1});
        Optimizer.create(Adam.defaults(), scalar, params.size()).step(params, grads);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7 - 0.001f, 8 - 0.001f, 9 - 0.001f}, mine, 1e-7f);
    }

    @Test
    void tensorsAreReadAndWrittenByNameAndRowMajorIndex() {
        float[] mine = new float[9];
        ParameterSet params = layout().wrap(mine);
        params.set("W", 5, 2, 1);           // W[2][1]: offset 0 + 2·2 + 1
        params.set("b", 7, 0);
        assertEquals(5f, mine[5]);
        assertEquals(7f, mine[6]);
        assertEquals(5.0, params.get("W", 2, 1));
        assertArrayEquals(new float[] {7, 0, 0}, params.toArray("b"));
        params.copyFrom("W", new float[] {1, 2, 3, 4, 5, 6});
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 0, 0}, mine);
    }

    @Test
    void mistakesNameTheTensorTheIndexAndTheLengths() {
        ParameterSet params = layout().wrap(new float[9]);
        assertEquals("index [3, 0] is outside tensor W[3, 2]@0", assertThrows(IllegalArgumentException.class,
                () -> params.get("W", 3, 0)).getMessage());
        assertEquals("tensor b[3]@6 takes 1 indices, got [0, 0]", assertThrows(IllegalArgumentException.class,
                () -> params.set("b", 1, 0, 0)).getMessage());
        assertEquals("values has length 2 but tensor b[3]@6 has 3 elements", assertThrows(
                IllegalArgumentException.class, () -> params.copyFrom("b", new float[2])).getMessage());
        assertEquals("the flat buffer has length 8 but the tensors [W[3, 2]@0, b[3]@6] need 9", assertThrows(
                IllegalArgumentException.class, () -> layout().wrap(new float[8])).getMessage());
        assertThrows(IllegalArgumentException.class, () -> params.get("c", 0));
    }

    /** The README's Nesterov closure, on a set: the gradient function sees the look-ahead point by tensor. */
    @Test
    void aGradientFunctionGetsThePointAndTheGradientInTheSetsLayout() {
        float[] mine = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        ParameterSet params = layout().wrap(mine);
        Optimizer nesterov = Optimizer.create(Nesterov.of(0.1, 0.9), scalar, params.size());
        for (int step = 0; step < 3; step++) {
            // R(θ) = ½‖θ‖²: the gradient is the point itself, tensor by tensor
            nesterov.step(params, (point, gradient) -> {
                gradient.copyFrom("W", point.toArray("W"));
                gradient.copyFrom("b", point.toArray("b"));
            });
        }
        // the same three steps through the flat closure
        float[] reference = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        Optimizer flat = Optimizer.create(Nesterov.of(0.1, 0.9), scalar, reference.length);
        for (int step = 0; step < 3; step++) {
            flat.step(FloatArrayBuffer.wrap(reference), (point, gradient) -> {
                for (int i = 0; i < point.length(); i++) {
                    gradient.set(i, point.get(i));
                }
            });
        }
        assertArrayEquals(reference, mine);
        assertEquals(true, mine[0] < 0.8f, "θ[0] = " + mine[0]);
    }
}
