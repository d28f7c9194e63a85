package org.optim4j.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A buffered little-endian reader over [position, end) of a channel, with bounds checks: a field that runs
 * past the end, or a count larger than what is left, is refused with {@link IllegalArgumentException} before
 * anything is allocated for it.
 */
public final class LittleEndianChannelReader {
    /** Value type code of a float64 in a typed map ({@link #values(String)}). */
    public static final byte VALUE_FLOAT64 = 1;
    /** Value type code of an int64 in a typed map. */
    public static final byte VALUE_INT64 = 2;
    private static final int CHUNK = 1 << 16;

    private final FileChannel ch;
    private final Path file;
    private final long end;
    private final ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    private long position;

    public LittleEndianChannelReader(FileChannel ch, long position, long end, Path file) {
        this.ch = ch;
        this.position = position;
        this.end = end;
        this.file = file;
        buf.limit(0);
    }

    public long remaining() {
        return end - position + buf.remaining();
    }

    private void need(int n) throws IOException {
        if (buf.remaining() >= n) {
            return;
        }
        if (remaining() < n) {
            throw new IllegalArgumentException("corrupt: the body ends in the middle of a field");
        }
        buf.compact();
        int want = (int) Math.min(buf.remaining(), end - position);
        buf.limit(buf.position() + want);
        while (buf.hasRemaining()) {
            int r = ch.read(buf, position);
            if (r < 0) {
                throw new EOFException("checkpoint " + file + " ended early");
            }
            position += r;
        }
        buf.flip();
    }

    public int u8() throws IOException {
        need(1);
        return buf.get() & 0xff;
    }

    public int u16() throws IOException {
        need(2);
        return buf.getShort() & 0xffff;
    }

    public int i32() throws IOException {
        need(4);
        return buf.getInt();
    }

    public long i64() throws IOException {
        need(8);
        return buf.getLong();
    }

    public String string(String what) throws IOException {
        int n = u16();
        if (n > remaining()) {
            throw new IllegalArgumentException(what + " is longer than the rest of the file");
        }
        byte[] b = new byte[n];
        for (int off = 0; off < n; ) {
            need(1);
            int k = Math.min(buf.remaining(), n - off);
            buf.get(b, off, k);
            off += k;
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    public Map<String, Number> values(String what) throws IOException {
        int n = u16();
        Map<String, Number> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String name = string(what + " name");
            int type = u8();
            long bits = i64();
            Number v;
            if (type == VALUE_FLOAT64) {
                v = Double.longBitsToDouble(bits);
            } else if (type == VALUE_INT64) {
                v = bits;
            } else {
                throw new IllegalArgumentException(what + " '" + name + "' has unknown type code " + type);
            }
            if (m.put(name, v) != null) {
                throw new IllegalArgumentException(what + " '" + name + "' appears twice");
            }
        }
        return m;
    }

    public float[] floats(int n) throws IOException {
        if (4L * n > remaining()) {
            throw new IllegalArgumentException(n + " float32 values do not fit in the rest of the file");
        }
        float[] a = new float[n];
        for (int off = 0; off < n; ) {
            need(4);
            int k = Math.min(buf.remaining() / 4, n - off);
            buf.asFloatBuffer().get(a, off, k);
            buf.position(buf.position() + 4 * k);
            off += k;
        }
        return a;
    }

    /** {@code n} raw bytes. */
    public byte[] bytes(int n) throws IOException {
        if (n > remaining()) {
            throw new IllegalArgumentException(n + " bytes do not fit in the rest of the file");
        }
        byte[] a = new byte[n];
        for (int off = 0; off < n; ) {
            need(1);
            int k = Math.min(buf.remaining(), n - off);
            buf.get(a, off, k);
            off += k;
        }
        return a;
    }

    public double[] doubles(int n) throws IOException {
        if (8L * n > remaining()) {
            throw new IllegalArgumentException(n + " float64 values do not fit in the rest of the file");
        }
        double[] a = new double[n];
        for (int off = 0; off < n; ) {
            need(8);
            int k = Math.min(buf.remaining() / 8, n - off);
            buf.asDoubleBuffer().get(a, off, k);
            buf.position(buf.position() + 8 * k);
            off += k;
        }
        return a;
    }
}
