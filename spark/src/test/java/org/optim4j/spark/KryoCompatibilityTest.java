package org.optim4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * What tasks return and cache survives Spark's Kryo serializer (a user may set spark.serializer to it): the Kryo
 * that Spark ships cannot serialise Java records, which these once were. Spark's Kryo needs Spark's add-opens list on
 * Java 17: the build runs this test in its own surefire execution with it (spark/pom.xml); without it, it is skipped.
 */
class KryoCompatibilityTest {
    private static SerializerInstance kryo;

    @org.junit.jupiter.api.BeforeAll
    static void kryo() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                ByteBuffer.class.getModule().isOpen("java.nio", KryoCompatibilityTest.class.getModule()),
                "java.base does not open java.nio here: run with Spark's add-opens list (the 'kryo' execution)");
        kryo = new KryoSerializer(new SparkConf()).newInstance();
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) {
        ClassTag<T> tag = (ClassTag<T>) ClassTag$.MODULE$.apply(value.getClass());
        ByteBuffer bytes = kryo.serialize(value, tag);
        return kryo.deserialize(bytes, tag);
    }

    @Test
    void taskValuesRoundTripThroughKryo() {
        WorkerSteps.Partial p = roundTrip(new WorkerSteps.Partial(1, 0.5, new float[] {1f, -0f}));
        assertEquals(1, p.worker());
        assertEquals(0.5, p.loss());
        assertArrayEquals(new float[] {1f, -0f}, p.gradient());
        ShardState s = new ShardState(1, 10, 12, 5, 0, new String[] {"s", "r"}, new float[][] {{1, 2}, {3, 4}},
                new float[] {7, 8}, 0.125);
        WorkerSteps.LocalResult l = roundTrip(new WorkerSteps.LocalResult(0, new float[] {9f}, s, 0.75));
        assertEquals(5, l.state().step);
        assertArrayEquals(new String[] {"s", "r"}, l.state().names);
        assertArrayEquals(new float[] {3, 4}, l.state().buffers[1]);
        assertArrayEquals(new float[] {7, 8}, l.state().theta);
        assertEquals(0.125, roundTrip(s).loss);
    }
}
