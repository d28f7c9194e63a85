package org.optim4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.optim4j.state.BufferData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.optim4j.DoubleTestBackend;
import org.optim4j.Optimizer;
import org.optim4j.RuleCatalog;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.rule.Adam;
import org.optim4j.rule.Momentum;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.FloatArrayBuffer;

/** The file format: round trips, and every damaged file refused with a clear message. */
class CheckpointFileTest {
    private static final Backend SCALAR = new ScalarBackend();
    private static int damagedFilesRefused;

    @TempDir
    Path dir;

    static List<UpdateRule> rules() {
        return RuleCatalog.rules();
    }

    private static Checkpoint trained(UpdateRule rule, int n, int steps, long seed) {
        Optimizer opt = Optimizer.create(rule, SCALAR, n);
        SplittableRandom r = new SplittableRandom(seed);
        float[] theta = new float[n];
        for (int s = 0; s < steps; s++) {
            float[] g = new float[n];
            for (int i = 0; i < n; i++) {
                g[i] = (float) r.nextDouble(-1, 1);
            }
            opt.step(theta, g);
        }
        return Checkpoint.capture(opt, FloatArrayBuffer.wrap(theta));
    }

    @ParameterizedTest
    @MethodSource("rules")
    void roundTripIsBitExact(UpdateRule rule) throws IOException {
        for (int n : new int[] {0, 1, 1000, 70_000}) {
            Checkpoint cp = trained(rule, n, 7, n);
            Path f = dir.resolve(rule.id() + "-" + n + ".ckpt");
            cp.write(f);
            Checkpoint back = Checkpoint.read(f);
            assertEquals(cp, back);
            assertEquals(rule, back.rule());
            assertEquals(7, back.step());
            assertEquals("scalar", back.backendName());
            // and a restore reproduces the state exactly
            Optimizer fresh = Optimizer.create(back.rule(), SCALAR, n);
            FloatArrayBuffer theta = FloatArrayBuffer.zeros(n);
            back.restore(fresh, theta);
            assertEquals(cp, Checkpoint.capture(fresh, theta));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp")), "temporary files left behind");
        }
    }

    @Test
    void stateOnlyCheckpointsAndNonFiniteValuesRoundTrip() throws IOException {
        Optimizer opt = Optimizer.create(Adam.defaults(), SCALAR, 4);
        opt.state().buffer("s").set(1, Float.NaN);
        opt.state().buffer("r").set(2, Float.intBitsToFloat(0x7fc0abcd)); // a NaN payload survives
        opt.state().buffer("r").set(3, Double.NEGATIVE_INFINITY);
        Checkpoint cp = Checkpoint.capture(opt);
        Path f = dir.resolve("state-only");
        cp.write(f);
        Checkpoint back = Checkpoint.read(f);
        assertEquals(cp, back);
        assertFalse(back.hasParameters());
        assertEquals(0x7fc0abcd, Float.floatToRawIntBits(back.stateBuffer("r").toFloatArray()[2]));
        assertThrows(IllegalStateException.class, back::parameters);
    }

    @Test
    void float64BuffersAreStoredExactly() throws IOException {
        Backend doubles = new DoubleTestBackend();
        Optimizer opt = Optimizer.create(Momentum.of(0.1, 0.9), doubles, 3);
        Buffer theta = doubles.allocate(3);
        Buffer g = doubles.allocate(3);
        for (int i = 0; i < 3; i++) {
            theta.set(i, Math.PI * (i + 1));
            g.set(i, 1.0 / 3 + i);
        }
        opt.step(theta, g);
        Checkpoint cp = Checkpoint.capture(opt, theta);
        assertEquals(Buffer.Precision.FLOAT64, cp.parameters().precision());
        Path f = dir.resolve("f64");
        cp.write(f);
        Checkpoint back = Checkpoint.read(f);
        assertEquals(cp, back);
        Optimizer again = Optimizer.create(Momentum.of(0.1, 0.9), doubles, 3);
        Buffer theta2 = doubles.allocate(3);
        back.restore(again, theta2);
        for (int i = 0; i < 3; i++) {
            assertEquals(Double.doubleToRawLongBits(theta.get(i)), Double.doubleToRawLongBits(theta2.get(i)));
        }
        // Into float32 storage the values are rounded to nearest.
        Optimizer onFloats = Optimizer.create(Momentum.of(0.1, 0.9), SCALAR, 3);
        FloatArrayBuffer thetaF = FloatArrayBuffer.zeros(3);
        back.restore(onFloats, thetaF);
        assertEquals((float) theta.get(2), thetaF.array()[2]);
    }

    @Test
    void everyTruncationIsRefused() throws IOException {
        Path f = dir.resolve("ok");
        trained(Adam.defaults(), 5, 3, 1).write(f);
        byte[] bytes = Files.readAllBytes(f);
        for (int len = 0; len < bytes.length; len++) {
            Path t = dir.resolve("truncated");
            Files.write(t, Arrays.copyOf(bytes, len));
            CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.read(t));
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("not an optim4j checkpoint"),
                    e.getMessage());
            damagedFilesRefused++;
        }
        Path longer = dir.resolve("longer");
        Files.write(longer, Arrays.copyOf(bytes, bytes.length + 3));
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.read(longer)).getMessage()
                .contains("unexpected bytes"));
        damagedFilesRefused++;
    }

    @Test
    void everyCorruptedByteIsRefused() throws IOException {
        Path f = dir.resolve("ok");
        trained(new Adam(Schedule.linearDecay(1e-2, 1e-3, 100), 0.9, 0.999, 1e-8), 6, 4, 2).write(f);
        byte[] bytes = Files.readAllBytes(f);
        SplittableRandom r = new SplittableRandom(5);
        Path bad = dir.resolve("bad");
        for (int i = 0; i < bytes.length; i++) {
            byte[] b = bytes.clone();
            b[i] ^= (byte) (1 + r.nextInt(255));
            Files.write(bad, b);
            CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.read(bad),
                    "byte " + i + " corrupted but the file was accepted");
            assertTrue(e.getMessage().contains(bad.toString()));
            damagedFilesRefused++;
        }
    }

    @Test
    void wrongMagicAndVersionAreRefusedByName() throws IOException {
        Path f = dir.resolve("ok");
        trained(Adam.defaults(), 3, 1, 3).write(f);
        byte[] bytes = Files.readAllBytes(f);
        byte[] v5 = bytes.clone(); // versions 3 and 4 (compressed state, issue 14) are read; 5 does not exist
        ByteBuffer.wrap(v5).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 5);
        rechecksum(v5);
        Path newer = dir.resolve("v5");
        Files.write(newer, v5);
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.read(newer)).getMessage()
                .contains("format version 5 is not supported"));
        Path text = dir.resolve("text");
        Files.writeString(text, "this is not a checkpoint at all, just some text");
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.read(text)).getMessage()
                .contains("not an optim4j checkpoint"));
        assertThrows(NoSuchFileException.class, () -> Checkpoint.read(dir.resolve("missing")));
        damagedFilesRefused += 2;
    }

    @Test
    void aValidChecksumOverInvalidContentIsStillRefused() throws IOException {
        Path f = dir.resolve("ok");
        trained(Adam.defaults(), 3, 1, 3).write(f);
        byte[] bytes = Files.readAllBytes(f);
        // Overwrite ρ₁ (its fixed schedule's "value" parameter) with 1.5, recompute the checksum: the rule refuses it.
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf("value", text.indexOf("rho1")) + 5 + 1;
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(at, Double.doubleToRawLongBits(1.5));
        rechecksum(bytes);
        Path bad = dir.resolve("rho1");
        Files.write(bad, bytes);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.read(bad));
        assertTrue(e.getMessage().contains("rho1 must be in [0, 1), got 1.5"), e.getMessage());
        damagedFilesRefused++;
    }

    @Test
    void aFailedWriteKeepsThePreviousCheckpoint() throws IOException {
        Path f = dir.resolve("ck");
        Checkpoint first = trained(Adam.defaults(), 10, 2, 4);
        first.write(f);
        Checkpoint second = trained(Adam.defaults(), 10, 3, 4);
        // The target is a non-empty directory: the rename fails, the old file is untouched, no temp file stays.
        Path blocked = dir.resolve("blocked");
        Files.createDirectories(blocked.resolve("inside"));
        assertThrows(IOException.class, () -> second.write(blocked));
        assertThrows(IOException.class, () -> second.write(dir.resolve("no-such-dir").resolve("ck")));
        assertEquals(first, Checkpoint.read(f));
        second.write(f);
        assertEquals(second, Checkpoint.read(f));
        assertNotEquals(first, second);
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp")));
        }
    }

    @Test
    void aScheduleWithoutEncodingIsRefusedAtCapture() {
        Schedule custom = t -> 0.1 / (1 + t);
        Optimizer opt = Optimizer.create(new Adam(custom, 0.9, 0.999, 1e-8), SCALAR, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.capture(opt));
        assertTrue(e.getMessage().contains("cannot be written to a checkpoint"));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.capture(null));
        assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.capture(Optimizer.create(Adam.defaults(), SCALAR, 2), FloatArrayBuffer.zeros(3)));
    }

    @Test
    void bufferDataComparesBitwise() {
        BufferData a = BufferData.ofFloats(new float[] {0f, 1f});
        assertNotEquals(a, BufferData.ofFloats(new float[] {-0f, 1f}));
        assertEquals(a, BufferData.ofFloats(new float[] {0f, 1f}));
        assertNotEquals(a, BufferData.ofDoubles(new double[] {0, 1}));
        assertArrayEquals(new float[] {0f, 1f}, a.toFloatArray());
    }

    private static void rechecksum(byte[] b) {
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 4);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length - 4, (int) crc.getValue());
    }

    @AfterAll
    static void report() {
        System.out.println("CheckpointFileTest: " + damagedFilesRefused + " damaged checkpoint files refused");
    }

    /** A refused checkpoint's exception crosses a process boundary (a Spark task's failure is serialised). */
    @org.junit.jupiter.api.Test
    void aCheckpointExceptionIsSerialisable() throws Exception {
        CheckpointException e = new CheckpointException(java.nio.file.Path.of("/tmp/x.ckpt"), "checksum mismatch");
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(e);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            CheckpointException back = (CheckpointException) in.readObject();
            org.junit.jupiter.api.Assertions.assertEquals(e.getMessage(), back.getMessage());
            org.junit.jupiter.api.Assertions.assertEquals(java.nio.file.Path.of("/tmp/x.ckpt"), back.file());
        }
    }
}
