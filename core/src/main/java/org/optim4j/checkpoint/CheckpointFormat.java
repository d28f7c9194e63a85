package org.optim4j.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.optim4j.io.AtomicFile;
import org.optim4j.io.LittleEndianBytes;
import org.optim4j.io.LittleEndianChannelReader;
import org.optim4j.io.LittleEndianChannelWriter;
import org.optim4j.quant.Bf16Buffer;
import org.optim4j.quant.BlockPlan;
import org.optim4j.quant.CompressedBuffer;
import org.optim4j.quant.DynamicMap;
import org.optim4j.quant.Int8BlockBuffer;
import org.optim4j.quant.StateFormat;
import org.optim4j.rule.Rules;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.Schedule;
import org.optim4j.schedule.Schedules;
import org.optim4j.spi.Buffer;
import org.optim4j.state.BufferData;
import org.optim4j.state.OptimizerSnapshot;
import org.optim4j.state.ParameterGroup;
import org.optim4j.state.Range;
import org.optim4j.state.TensorSlot;
import org.optim4j.transform.Params;

/**
 * Reads and writes the checkpoint file format, version {@value #VERSION}; {@code docs/checkpoint-format.md}
 * is its specification. Little-endian throughout:
 *
 * <pre>
 *   header   magic "OPTIM4JC" (8 bytes) | u32 version | u64 body length B
 *   body     B bytes: rule, schedule, counters, buffers
 *   trailer  u32 CRC32C of every byte before it
 * </pre>
 *
 * Writing goes to a temporary file in the target's directory, which is flushed and forced to the
 * device, then renamed over the target atomically; the directory is forced too. Reading checks, in this
 * order, magic, version, length (truncation), checksum, then parses; it builds a {@link Checkpoint} in
 * memory and touches nothing else.
 */
final class CheckpointFormat {
    static final byte[] MAGIC = "OPTIM4JC".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 2;
    /** Version 2 plus compressed buffers (precision codes 3 and 4); written only when a buffer is compressed. */
    static final int VERSION_3 = 3;
    /**
     * Version 3 plus int8 state over blocks aligned to tensors (precision code 5); written only when such a buffer
     * is present, so that files an earlier reader can read keep their version.
     */
    static final int VERSION_4 = 4;
    /** The first format (one rule, no layout), still read. */
    static final int VERSION_1 = 1;
    static final int HEADER_BYTES = 8 + 4 + 8;
    static final int TRAILER_BYTES = 4;

    static final byte ROLE_STATE = 0;
    static final byte ROLE_PARAMETERS = 1;
    static final byte PRECISION_FLOAT32 = 1;
    static final byte PRECISION_FLOAT64 = 2;
    static final byte PRECISION_BF16 = 3;
    static final byte PRECISION_INT8_BLOCKWISE = 4;
    static final byte PRECISION_INT8_PLANNED = 5;
    static final byte BLOCK_QUANTIZED = 0;
    static final byte BLOCK_FLOAT32 = 1;
    static final byte MAP_DYNAMIC_SIGNED = 0;
    static final byte MAP_DYNAMIC_UNSIGNED = 1;


    private CheckpointFormat() {
    }

    // ---------------------------------------------------------------- writing

    static void write(Checkpoint cp, Path file) throws IOException {
        byte[] meta = metadata(cp);
        long bodyLength = meta.length + 2L;
        List<String> names = cp.stateNames();
        boolean compressed = false, planned = false;
        for (int i = 0; i < names.size(); i++) {
            bodyLength += bufferBytes(names.get(i), cp.stateBuffer(i));
            compressed |= cp.stateBuffer(i).format() != StateFormat.FLOAT32;
            planned |= planned(cp.stateBuffer(i)) != null;
        }
        int version = planned ? VERSION_4 : compressed ? VERSION_3 : VERSION;
        if (cp.hasParameters()) {
            bodyLength += bufferBytes(Checkpoint.PARAMETERS_NAME, cp.parameters());
        }
        long total = HEADER_BYTES + bodyLength + TRAILER_BYTES;
        AtomicFile.write(file, ch -> {
            LittleEndianChannelWriter out = new LittleEndianChannelWriter(ch);
            out.bytes(MAGIC);
            out.u32(version);
            out.u64(total - HEADER_BYTES - TRAILER_BYTES);
            out.bytes(meta);
            out.u16(names.size() + (cp.hasParameters() ? 1 : 0));
            for (int i = 0; i < names.size(); i++) {
                writeBuffer(out, ROLE_STATE, names.get(i), cp.stateBuffer(i));
            }
            if (cp.hasParameters()) {
                writeBuffer(out, ROLE_PARAMETERS, Checkpoint.PARAMETERS_NAME, cp.parameters());
            }
            out.finishWithChecksum();
            if (out.written() != total) {
                throw new IllegalStateException("checkpoint writer produced " + out.written() + " bytes, expected " + total);
            }
        });
    }

    /** Version 2's metadata: counters, backend, user metadata, tensor layout, groups with their rules. */
    private static byte[] metadata(Checkpoint cp) {
        OptimizerSnapshot snap = cp.snapshot();
        LittleEndianBytes w = new LittleEndianBytes();
        w.i64(snap.step());
        w.i64(snap.skippedSteps());
        w.i32(snap.parameterCount());
        w.string(cp.backendName());
        w.u16(cp.metadata().size());
        for (Map.Entry<String, String> e : cp.metadata().entrySet()) {
            w.string(e.getKey());
            w.string(e.getValue());
        }
        w.u16(snap.tensors().size());
        for (TensorSlot t : snap.tensors()) {
            w.string(t.name());
            w.i32(t.offset());
            w.i32(t.length());
        }
        w.u16(snap.groups().size());
        for (ParameterGroup g : snap.groups()) {
            w.string(g.name());
            w.string(g.rule().id());
            Map<String, Schedule> hyper = g.rule().hyperParameters();
            w.u16(hyper.size());
            for (Map.Entry<String, Schedule> e : hyper.entrySet()) {
                Schedule.Encodable enc = Schedules.encodable(e.getValue());
                w.string(e.getKey());
                w.string(enc.kind());
                w.values(enc.parameters());
            }
            w.u16(g.ranges().size());
            for (Range r : g.ranges()) {
                w.i32(r.from());
                w.i32(r.to());
            }
        }
        return w.toByteArray();
    }

    /** The int8 buffer of {@code data} if its blocks are not the uniform ones (precision 5), else null. */
    private static Int8BlockBuffer planned(BufferData data) {
        return data.compressedUnsafe() instanceof Int8BlockBuffer q && !q.blockPlan().isUniform() ? q : null;
    }

    private static long bufferBytes(String name, BufferData data) {
        long head = 1 + 2 + name.getBytes(StandardCharsets.UTF_8).length + 1 + 4;
        Int8BlockBuffer planned = planned(data);
        if (planned != null) {
            BlockPlan plan = planned.blockPlan();
            int floats = plan.float32Elements();
            return head + 1 + 4 + (4L + 1 + 4) * plan.blocks() + (data.length() - floats) + 4L * floats;
        }
        return switch (data.format()) {
            case BF16 -> head + 2L * data.length();
            case INT8 -> head + 1 + 4 + 4L * data.compressedUnsafe().blocks() + data.length();
            case FLOAT32 -> head + (data.precision() == Buffer.Precision.FLOAT32 ? 4L : 8L) * data.length();
        };
    }

    private static void writeBuffer(LittleEndianChannelWriter out, byte role, String name, BufferData data) throws IOException {
        out.u8(role);
        out.string(name);
        if (data.compressedUnsafe() instanceof Bf16Buffer b) {
            out.u8(PRECISION_BF16);
            out.u32(data.length());
            byte[] raw = new byte[2 * b.length()]; // u16 little-endian per element
            char[] a = b.array();
            for (int i = 0; i < a.length; i++) {
                int bits = a[i];
                raw[2 * i] = (byte) bits;
                raw[2 * i + 1] = (byte) (bits >>> 8);
            }
            out.bytes(raw);
            return;
        }
        Int8BlockBuffer planned = planned(data);
        if (planned != null) {
            writePlanned(out, planned);
            return;
        }
        if (data.compressedUnsafe() instanceof Int8BlockBuffer q) {
            out.u8(PRECISION_INT8_BLOCKWISE);
            out.u32(data.length());
            out.u8(q.map().signed() ? MAP_DYNAMIC_SIGNED : MAP_DYNAMIC_UNSIGNED);
            out.u32(StateFormat.BLOCK);
            out.floats(q.absmax());
            out.bytes(q.codes());
            return;
        }
        out.u8(data.precision() == Buffer.Precision.FLOAT32 ? PRECISION_FLOAT32 : PRECISION_FLOAT64);
        out.u32(data.length());
        if (data.precision() == Buffer.Precision.FLOAT32) {
            out.floats(data.floatsUnsafe());
        } else {
            out.doubles(data.doublesUnsafe());
        }
    }


    /**
     * Precision 5: map, block count K, K block lengths, K block kinds, K absmax, the quantized blocks' codes, the
     * float32 blocks' values (both in element order).
     */
    private static void writePlanned(LittleEndianChannelWriter out, Int8BlockBuffer q) throws IOException {
        BlockPlan plan = q.blockPlan();
        int blocks = plan.blocks();
        out.u8(PRECISION_INT8_PLANNED);
        out.u32(q.length());
        out.u8(q.map().signed() ? MAP_DYNAMIC_SIGNED : MAP_DYNAMIC_UNSIGNED);
        out.u32(blocks);
        byte[] table = new byte[5 * blocks];
        ByteBuffer t = ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN);
        for (int b = 0; b < blocks; b++) {
            t.putInt(plan.end(b) - plan.start(b));
        }
        for (int b = 0; b < blocks; b++) {
            t.put(plan.float32(b) ? BLOCK_FLOAT32 : BLOCK_QUANTIZED);
        }
        out.bytes(table);
        out.floats(q.absmax());
        byte[] codes = new byte[q.length() - plan.float32Elements()];
        int at = 0;
        for (int b = 0; b < blocks; b++) {
            if (!plan.float32(b)) {
                System.arraycopy(q.codes(), plan.start(b), codes, at, plan.end(b) - plan.start(b));
                at += plan.end(b) - plan.start(b);
            }
        }
        out.bytes(codes);
        out.floats(q.float32Values());
    }

    // ---------------------------------------------------------------- reading

    static Checkpoint read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER_BYTES) {
                throw new CheckpointException(file, "truncated or not a checkpoint: " + size
                        + " bytes, shorter than the " + HEADER_BYTES + "-byte header");
            }
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, header, 0, file);
            header.flip();
            byte[] magic = new byte[MAGIC.length];
            header.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new CheckpointException(file, "not an optim4j checkpoint (the file does not start with \"OPTIM4JC\")");
            }
            int version = header.getInt();
            if (version != VERSION && version != VERSION_1 && version != VERSION_3 && version != VERSION_4) {
                throw new CheckpointException(file, "format version " + Integer.toUnsignedString(version)
                        + " is not supported; this reader supports versions " + VERSION_1 + " to " + VERSION_4);
            }
            long bodyLength = header.getLong();
            long expected = HEADER_BYTES + bodyLength + TRAILER_BYTES;
            if (bodyLength < 0 || size < expected) {
                throw new CheckpointException(file, "truncated: the header announces " + expected
                        + " bytes but the file has " + size);
            }
            if (size > expected) {
                throw new CheckpointException(file, "corrupt: " + (size - expected)
                        + " unexpected bytes after the checksum (the header announces " + expected + " bytes)");
            }
            verifyChecksum(ch, expected, file);
            LittleEndianChannelReader in = new LittleEndianChannelReader(ch, HEADER_BYTES, HEADER_BYTES + bodyLength, file);
            try {
                Checkpoint cp = version == VERSION_1 ? parseBodyV1(in) : parseBody(in);
                if (in.remaining() != 0) {
                    throw new CheckpointException(file, "corrupt: " + in.remaining() + " unread bytes at the end of the body");
                }
                return cp;
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(file, e.getMessage().startsWith("corrupt:") ? e.getMessage()
                        : "invalid content: " + e.getMessage(), e);
            }
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no checkpoint file");
        }
    }

    private static void verifyChecksum(FileChannel ch, long fileSize, Path file) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        long end = fileSize - TRAILER_BYTES;
        for (long pos = 0; pos < end; ) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), end - pos));
            readFully(ch, buf, pos, file);
            buf.flip();
            crc.update(buf);
            pos += buf.limit();
        }
        ByteBuffer trailer = ByteBuffer.allocate(TRAILER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, trailer, end, file);
        trailer.flip();
        int stored = trailer.getInt();
        int actual = (int) crc.getValue();
        if (stored != actual) {
            throw new CheckpointException(file, String.format(
                    "corrupt: CRC32C is %08x but the file records %08x", actual, stored));
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, Path file) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new CheckpointException(file, "truncated: end of file at byte " + pos);
            }
            pos += n;
        }
    }

    /** Version 1 (one rule, its schedule, no layout): read as a snapshot with one group and one tensor. */
    private static Checkpoint parseBodyV1(LittleEndianChannelReader in) throws IOException {
        String ruleId = in.string("rule id");
        Map<String, Number> hyper = in.values("hyper-parameters");
        String scheduleKind = in.string("schedule kind");
        Map<String, Number> scheduleParams = in.values("schedule parameters");
        Map<String, Schedule> values = new LinkedHashMap<>();
        for (Map.Entry<String, Number> e : hyper.entrySet()) {
            if (!(e.getValue() instanceof Double)) {
                throw new IllegalArgumentException("hyper-parameter '" + e.getKey() + "' must be a float64, got "
                        + e.getValue());
            }
            values.put(e.getKey(), Schedule.fixed((Double) e.getValue()));
        }
        values.put(Params.LEARNING_RATE.name(), Schedules.create(scheduleKind, scheduleParams));
        UpdateRule rule = Rules.create(ruleId, values);
        long step = in.i64();
        long skipped = in.i64();
        int parameterCount = in.i32();
        checkCounters(step, skipped, parameterCount);
        String backend = in.string("backend name");
        List<TensorSlot> tensors = List.of(new TensorSlot(Checkpoint.PARAMETERS_NAME, 0, parameterCount));
        List<ParameterGroup> groups = List.of(new ParameterGroup("default", rule,
                List.of(new Range(0, parameterCount))));
        return readBuffers(in, step, skipped, parameterCount, backend, Map.of(), tensors, groups);
    }

    private static Checkpoint parseBody(LittleEndianChannelReader in) throws IOException {
        long step = in.i64();
        long skipped = in.i64();
        int parameterCount = in.i32();
        checkCounters(step, skipped, parameterCount);
        String backend = in.string("backend name");
        Map<String, String> metadata = new LinkedHashMap<>();
        int metaCount = in.u16();
        for (int i = 0; i < metaCount; i++) {
            String key = in.string("metadata key");
            if (metadata.put(key, in.string("metadata value")) != null) {
                throw new IllegalArgumentException("metadata key '" + key + "' appears twice");
            }
        }
        List<TensorSlot> tensors = new ArrayList<>();
        int tensorCount = in.u16();
        for (int i = 0; i < tensorCount; i++) {
            TensorSlot t = new TensorSlot(in.string("tensor name"), in.i32(), in.i32());
            if ((long) t.offset() + t.length() > parameterCount) {
                throw new IllegalArgumentException("tensor '" + t.name() + "' ends beyond the " + parameterCount
                        + " parameters");
            }
            tensors.add(t);
        }
        List<ParameterGroup> groups = new ArrayList<>();
        int groupCount = in.u16();
        for (int i = 0; i < groupCount; i++) {
            String name = in.string("group name");
            String ruleId = in.string("rule id");
            Map<String, Schedule> values = new LinkedHashMap<>();
            int hyperCount = in.u16();
            for (int h = 0; h < hyperCount; h++) {
                String key = in.string("hyper-parameter name");
                String kind = in.string("schedule kind");
                if (values.put(key, Schedules.create(kind, in.values("schedule parameters"))) != null) {
                    throw new IllegalArgumentException("hyper-parameter '" + key + "' appears twice");
                }
            }
            UpdateRule rule = Rules.create(ruleId, values);
            List<Range> ranges = new ArrayList<>();
            int rangeCount = in.u16();
            for (int r = 0; r < rangeCount; r++) {
                Range range = new Range(in.i32(), in.i32());
                if (range.to() > parameterCount) {
                    throw new IllegalArgumentException("group '" + name + "' range ends beyond the " + parameterCount
                            + " parameters");
                }
                ranges.add(range);
            }
            groups.add(new ParameterGroup(name, rule, ranges));
        }
        return readBuffers(in, step, skipped, parameterCount, backend, metadata, tensors, groups);
    }

    private static void checkCounters(long step, long skipped, int parameterCount) {
        if (step < 0 || skipped < 0 || parameterCount < 0) {
            throw new IllegalArgumentException("negative counter: step " + step + ", skipped " + skipped
                    + ", parameter count " + parameterCount);
        }
    }

    /** Precision 5 (see {@link #writePlanned}), checked: lengths, kinds, that the blocks cover the buffer. */
    private static Int8BlockBuffer readPlanned(LittleEndianChannelReader in, String name, int length)
            throws IOException {
        int map = in.u8();
        if (map != MAP_DYNAMIC_SIGNED && map != MAP_DYNAMIC_UNSIGNED) {
            throw new IllegalArgumentException("buffer '" + name + "' has unknown int8 map code " + map);
        }
        int blocks = in.i32();
        if (blocks < 0 || blocks > length || 9L * blocks > in.remaining()) { // a block takes ≥ 9 bytes
            throw new IllegalArgumentException("buffer '" + name + "' has " + blocks + " int8 blocks for " + length
                    + " elements");
        }
        ByteBuffer t = ByteBuffer.wrap(in.bytes(5 * blocks)).order(ByteOrder.LITTLE_ENDIAN);
        int[] lengths = new int[blocks];
        boolean[] float32 = new boolean[blocks];
        for (int b = 0; b < blocks; b++) {
            lengths[b] = t.getInt();
        }
        for (int b = 0; b < blocks; b++) {
            int kind = t.get();
            if (kind != BLOCK_QUANTIZED && kind != BLOCK_FLOAT32) {
                throw new IllegalArgumentException("buffer '" + name + "' block " + b + " has unknown kind " + kind);
            }
            float32[b] = kind == BLOCK_FLOAT32;
        }
        BlockPlan plan;
        try {
            plan = BlockPlan.of(lengths, float32);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("buffer '" + name + "': " + e.getMessage(), e);
        }
        if (plan.length() != length) {
            throw new IllegalArgumentException("buffer '" + name + "' has int8 blocks over " + plan.length()
                    + " elements but " + length + " elements");
        }
        Int8BlockBuffer q = new Int8BlockBuffer(plan, map == MAP_DYNAMIC_SIGNED ? DynamicMap.SIGNED
                : DynamicMap.UNSIGNED);
        float[] absmax = in.floats(blocks);
        System.arraycopy(absmax, 0, q.absmax(), 0, blocks);
        byte[] codes = in.bytes(length - plan.float32Elements());
        int at = 0;
        for (int b = 0; b < blocks; b++) {
            if (!plan.float32(b)) {
                System.arraycopy(codes, at, q.codes(), plan.start(b), plan.end(b) - plan.start(b));
                at += plan.end(b) - plan.start(b);
            }
        }
        float[] values = in.floats(plan.float32Elements());
        System.arraycopy(values, 0, q.float32Values(), 0, values.length);
        return q;
    }

    private static Checkpoint readBuffers(LittleEndianChannelReader in, long step, long skipped, int parameterCount, String backend,
                                          Map<String, String> metadata, List<TensorSlot> tensors,
                                          List<ParameterGroup> groups) throws IOException {
        int count = in.u16();
        Map<String, BufferData> state = new LinkedHashMap<>();
        BufferData parameters = null;
        for (int i = 0; i < count; i++) {
            int role = in.u8();
            String name = in.string("buffer name");
            int precision = in.u8();
            int length = in.i32();
            if (length != parameterCount) {
                throw new IllegalArgumentException("buffer '" + name + "' has " + length
                        + " elements but the checkpoint is for " + parameterCount + " parameters");
            }
            BufferData data;
            if (precision == PRECISION_FLOAT32) {
                data = BufferData.wrapFloats(in.floats(length));
            } else if (precision == PRECISION_FLOAT64) {
                data = BufferData.wrapDoubles(in.doubles(length));
            } else if (precision == PRECISION_BF16) {
                Bf16Buffer b = new Bf16Buffer(length);
                byte[] raw = in.bytes(2 * length);
                char[] a = b.array();
                for (int k = 0; k < length; k++) {
                    a[k] = (char) ((raw[2 * k] & 0xFF) | (raw[2 * k + 1] & 0xFF) << 8);
                }
                data = BufferData.wrapCompressed(b);
            } else if (precision == PRECISION_INT8_BLOCKWISE) {
                int map = in.u8();
                int block = in.i32();
                if (map != MAP_DYNAMIC_SIGNED && map != MAP_DYNAMIC_UNSIGNED) {
                    throw new IllegalArgumentException("buffer '" + name + "' has unknown int8 map code " + map);
                }
                if (block != StateFormat.BLOCK) {
                    throw new IllegalArgumentException("buffer '" + name + "' has int8 block size " + block
                            + "; this reader supports " + StateFormat.BLOCK);
                }
                Int8BlockBuffer q = new Int8BlockBuffer(length, map == MAP_DYNAMIC_SIGNED ? DynamicMap.SIGNED
                        : DynamicMap.UNSIGNED);
                float[] absmax = in.floats(q.absmax().length);
                System.arraycopy(absmax, 0, q.absmax(), 0, absmax.length);
                byte[] codes = in.bytes(length);
                System.arraycopy(codes, 0, q.codes(), 0, length);
                data = BufferData.wrapCompressed(q);
            } else if (precision == PRECISION_INT8_PLANNED) {
                data = BufferData.wrapCompressed(readPlanned(in, name, length));
            } else {
                throw new IllegalArgumentException("buffer '" + name + "' has unknown precision code " + precision);
            }
            if (role == ROLE_PARAMETERS && data.format() != StateFormat.FLOAT32) {
                throw new IllegalArgumentException("the parameter buffer is stored compressed (" + data.format().id()
                        + "); parameters are float32 or float64");
            }
            if (role == ROLE_STATE && !state.containsKey(name)) {
                state.put(name, data);
            } else if (role == ROLE_PARAMETERS && parameters == null) {
                parameters = data;
            } else {
                throw new IllegalArgumentException("buffer '" + name + "' has unexpected role code " + role
                        + " or appears twice");
            }
        }
        OptimizerSnapshot snapshot = new OptimizerSnapshot(step, skipped, parameterCount, tensors, groups, state);
        return new Checkpoint(snapshot, parameters, backend, metadata);
    }

}
