package org.optim4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optim4j.DoubleTestBackend;
import org.optim4j.Optimizer;
import org.optim4j.RuleCatalog;
import org.optim4j.backend.scalar.ScalarBackend;
import org.optim4j.quant.StateFormat;
import org.optim4j.rule.UpdateRule;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;

/**
 * Fuzzes the checkpoint body behind a valid envelope: valid checkpoints of every rule are mutated inside the body
 * (bit flips, extreme values in 1/2/4/8-byte fields, deleted, inserted, duplicated and cut ranges), then the
 * header's body length and the CRC32C trailer are recomputed, from the layout in {@code docs/checkpoint-format.md}
 * (magic 8 bytes | u32 version | u64 body length B | B bytes of body | u32 CRC32C of every byte before it), so
 * that every mutated file passes the envelope checks and reaches the body parser and its bounds checks.
 *
 * <p>Every mutated file must either be refused with {@link CheckpointException} or read as a valid checkpoint (one
 * that writes and reads back equal and restores into an optimizer); never another exception type, and the whole
 * run must end in bounded time (a parser that looped or allocated by an unchecked length would not).
 */
class CheckpointBodyFuzzTest {
    private static final int HEADER = 8 + 4 + 8;
    private static final int TRAILER = 4;
    private static final int MUTANTS_PER_FILE = 100;

    @TempDir
    Path dir;

    /** Valid checkpoints: every rule, with and without parameters, 0, 1 and 3 parameters, float32 and float64. */
    private List<byte[]> seeds() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        int k = 0;
        for (UpdateRule rule : RuleCatalog.rules()) {
            for (Backend backend : List.of(new ScalarBackend(), new DoubleTestBackend())) {
                for (int n : new int[] {0, 1, 3}) {
                    Optimizer opt = Optimizer.create(rule, backend, n);
                    Buffer theta = opt.newBuffer();
                    Buffer g = opt.newBuffer();
                    for (int step = 0; step < 2; step++) {
                        for (int i = 0; i < n; i++) {
                            g.set(i, 0.25 * (i + 1) - step);
                        }
                        opt.step(theta, g);
                    }
                    for (Checkpoint cp : List.of(Checkpoint.capture(opt, theta), Checkpoint.capture(opt))) {
                        Path f = dir.resolve("seed-" + k++);
                        cp.write(f);
                        seeds.add(Files.readAllBytes(f));
                    }
                }
            }
        }
        // Compressed state (issue 14): bf16 and int8 over uniform blocks (version 3), int8 over blocks aligned to a
        // layout, one tensor quantized and one kept in float32 (version 4).
        org.optim4j.ParameterSet layout = org.optim4j.ParameterSet.builder().add("w", 5).add("b", 2)
                .build(new ScalarBackend());
        for (int variant = 0; variant < 3; variant++) {
            Optimizer.Builder b = Optimizer.builder(org.optim4j.rule.Adam.of(1e-2)).backend(new ScalarBackend())
                    .stateFormat(variant == 0 ? StateFormat.BF16 : StateFormat.INT8);
            Optimizer opt = variant < 2 ? b.parameterCount(7).build() : b.layout(layout).int8MinTensorSize(3).build();
            Buffer theta = opt.newBuffer();
            Buffer g = opt.newBuffer();
            for (int step = 0; step < 2; step++) {
                for (int i = 0; i < 7; i++) {
                    g.set(i, 0.25 * (i + 1) - step);
                }
                opt.step(theta, g);
            }
            Path f = dir.resolve("seed-" + k++);
            Checkpoint.capture(opt, theta).write(f);
            seeds.add(Files.readAllBytes(f));
        }
        return seeds;
    }

    /** The body of a checkpoint file, checked against the layout. */
    private static byte[] body(byte[] file) {
        long length = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(12);
        assertEquals(file.length, HEADER + length + TRAILER, "the layout of docs/checkpoint-format.md");
        return Arrays.copyOfRange(file, HEADER, HEADER + (int) length);
    }

    /** A file around {@code body}: the seed's magic and version, the body's length, a fresh CRC32C. */
    private static byte[] envelope(byte[] seed, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + body.length + TRAILER).order(ByteOrder.LITTLE_ENDIAN);
        b.put(seed, 0, 12).putLong(body.length).put(body);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, HEADER + body.length);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    private static final long[] EXTREMES = {0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0xFFFF, 0x7FFF, 0x8000,
            Long.MAX_VALUE, Long.MIN_VALUE, Double.doubleToRawLongBits(Double.NaN),
            Double.doubleToRawLongBits(Double.POSITIVE_INFINITY), Double.doubleToRawLongBits(1.5), 255, 128, 2, 3};

    /** One random mutation of {@code body}; {@code what} receives its description. */
    private static byte[] mutate(byte[] body, SplittableRandom r, StringBuilder what) {
        byte[] b = body.clone();
        int n = b.length;
        switch (r.nextInt(8)) {
            case 0 -> {
                int flips = 1 + r.nextInt(4);
                what.append("flip ").append(flips).append(" bit(s)");
                for (int i = 0; i < flips && n > 0; i++) {
                    int at = r.nextInt(n);
                    b[at] ^= (byte) (1 << r.nextInt(8));
                    what.append(" @").append(at);
                }
            }
            case 1 -> {
                int width = new int[] {1, 2, 4, 8}[r.nextInt(4)];
                if (n < width) {
                    return b;
                }
                int at = r.nextInt(n - width + 1);
                long v = r.nextBoolean() ? EXTREMES[r.nextInt(EXTREMES.length)] : r.nextLong();
                what.append("write ").append(width).append("-byte ").append(v).append(" @").append(at);
                ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                switch (width) {
                    case 1 -> bb.put(at, (byte) v);
                    case 2 -> bb.putShort(at, (short) v);
                    case 4 -> bb.putInt(at, (int) v);
                    default -> bb.putLong(at, v);
                }
            }
            case 2 -> {
                if (n == 0) {
                    return b;
                }
                int at = r.nextInt(n);
                int len = Math.min(n - at, 1 + r.nextInt(16));
                what.append("delete ").append(len).append(" @").append(at);
                byte[] out = new byte[n - len];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + len, out, at, n - at - len);
                return out;
            }
            case 3 -> {
                int at = r.nextInt(n + 1);
                byte[] extra = new byte[1 + r.nextInt(16)];
                r.nextBytes(extra);
                what.append("insert ").append(extra.length).append(" @").append(at);
                return splice(b, at, extra);
            }
            case 4 -> {
                if (n == 0) {
                    return b;
                }
                int from = r.nextInt(n);
                int len = Math.min(n - from, 1 + r.nextInt(32));
                int at = r.nextInt(n + 1);
                what.append("duplicate ").append(len).append(" from ").append(from).append(" @").append(at);
                return splice(b, at, Arrays.copyOfRange(b, from, from + len));
            }
            case 5 -> {
                int len = r.nextInt(n + 1);
                what.append("cut to ").append(len);
                return Arrays.copyOf(b, len);
            }
            case 6 -> {
                // A type, role or precision code (u8, 0–2): a byte that holds 0–3 set to another of 0–3, so that
                // a code becomes another valid code, or an invalid one.
                int[] small = new int[n];
                int count = 0;
                for (int i = 0; i < n; i++) {
                    if ((b[i] & 0xff) <= 3) {
                        small[count++] = i;
                    }
                }
                if (count == 0) {
                    return b;
                }
                int at = small[r.nextInt(count)];
                int v = ((b[at] & 0xff) + 1 + r.nextInt(3)) % 4;
                what.append("code ").append(b[at]).append(" -> ").append(v).append(" @").append(at);
                b[at] = (byte) v;
            }
            default -> {
                // A string length or a count (u16) right before a field: two bytes set to a random or large value.
                if (n < 2) {
                    return b;
                }
                int at = r.nextInt(n - 1);
                int v = r.nextBoolean() ? 0xFFFF : r.nextInt(0x10000);
                what.append("u16 ").append(v).append(" @").append(at);
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(at, (short) v);
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int at, byte[] insert) {
        byte[] out = new byte[b.length + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at, out, at + insert.length, b.length - at);
        return out;
    }

    /** A checkpoint that was read must be usable: written and read back equal, restorable into an optimizer. */
    private void assertValid(Checkpoint cp, String what) throws IOException {
        assertTrue(cp.parameterCount() >= 0 && cp.step() >= 0 && cp.skippedSteps() >= 0, what);
        assertEquals(cp.rule().stateNames(), cp.stateNames(), what);
        for (int i = 0; i < cp.stateNames().size(); i++) {
            assertEquals(cp.parameterCount(), cp.stateBuffer(i).length(), what);
        }
        Path again = dir.resolve("again");
        cp.write(again);
        assertEquals(cp, Checkpoint.read(again), what + ": read, written and read again differs");
        if (cp.parameterCount() <= 1 << 20) { // a state-only SGD checkpoint can claim any count: nothing to hold it
            Optimizer opt = Optimizer.builder(cp.rule()).backend(new ScalarBackend()).parameterCount(cp.parameterCount())
                    .build();
            org.optim4j.spi.Buffer theta = cp.hasParameters() ? opt.newBuffer() : null;
            boolean sameLayout = cp.snapshot().tensors().equals(opt.tensors())
                    && cp.snapshot().groups().get(0).name().equals(opt.groups().get(0).name())
                    && cp.snapshot().groups().get(0).ranges().equals(opt.groups().get(0).ranges());
            if (sameLayout) {
                cp.restore(opt, theta);
            } else {
                // A mutated tensor or group name or range: a valid snapshot of another layout, which a load refuses.
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cp.restore(opt, theta));
                assertTrue(e.getMessage().contains("tensor layout") || e.getMessage().contains("group"),
                        what + ": " + e.getMessage());
                assertEquals(0, opt.state().step(), what);
            }
        }
    }

    @Test
    void everyMutatedBodyIsRefusedWithCheckpointExceptionOrReadsAsAValidCheckpoint() throws IOException {
        List<byte[]> seeds = seeds();
        Map<String, Integer> refusals = new TreeMap<>();
        int[] valid = new int[1];
        Path file = dir.resolve("mutant.ckpt");
        SplittableRandom random = new SplittableRandom(Long.getLong("optim4j.fuzz.seed", 20261129L));
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            for (int s = 0; s < seeds.size(); s++) {
                byte[] seed = seeds.get(s);
                byte[] body = body(seed);
                for (int m = 0; m < MUTANTS_PER_FILE; m++) {
                    StringBuilder what = new StringBuilder("seed " + s + ", mutant " + m + ": ");
                    byte[] mutant = mutate(body, random, what);
                    Files.write(file, envelope(seed, mutant));
                    Checkpoint cp;
                    try {
                        cp = Checkpoint.read(file);
                    } catch (CheckpointException e) {
                        String msg = e.getMessage();
                        String reason = msg.substring(msg.indexOf(file.toString()) + file.toString().length());
                        String kind = reason.replaceAll("[-0-9.E]+", "#").replaceAll("'[^']*'", "'…'")
                                .replaceAll("[^\\x20-\\x7e…]", "?");
                        refusals.merge(kind.substring(0, Math.min(60, kind.length())), 1, Integer::sum);
                        continue;
                    } catch (Throwable t) {
                        throw new AssertionError(what + " was refused with " + t + ", not a CheckpointException", t);
                    }
                    assertValid(cp, what.toString());
                    valid[0]++;
                }
            }
        });
        int refused = refusals.values().stream().mapToInt(Integer::intValue).sum();
        System.out.println("CheckpointBodyFuzzTest: " + seeds.size() * MUTANTS_PER_FILE + " mutated bodies of "
                + seeds.size() + " checkpoints: " + refused + " refused with CheckpointException (" + refusals.size()
                + " kinds of reason), " + valid[0] + " read as valid checkpoints");
        assertEquals(seeds.size() * MUTANTS_PER_FILE, refused + valid[0]);
        // The fuzzing reaches the parser's bounds checks, not only the envelope's.
        assertTrue(refusals.keySet().stream().anyMatch(k -> k.contains("ends in the middle of a field")), refusals.toString());
        assertTrue(refusals.keySet().stream().anyMatch(k -> k.contains("unread bytes")), refusals.toString());
        assertTrue(refusals.keySet().stream().anyMatch(k -> k.contains("invalid content")), refusals.toString());
        if (refusals.keySet().stream().anyMatch(k -> k.contains("CRC32C") || k.contains("truncated"))) {
            fail("a mutant failed the envelope checks, so the test did not rebuild it right: " + refusals);
        }
    }
}
