package org.optim4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/** A buffered little-endian channel writer that computes the CRC32C of everything it writes. */
public final class LittleEndianChannelWriter {
    private static final int CHUNK = 1 << 16;
    private final FileChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();
    private long written;

    /** Bytes written to the channel so far. */
    public long written() {
        return written;
    }

    public LittleEndianChannelWriter(FileChannel ch) {
        this.ch = ch;
    }

    private void room(int n) throws IOException {
        if (buf.remaining() < n) {
            drain();
        }
    }

    private void drain() throws IOException {
        buf.flip();
        crc.update(buf.array(), 0, buf.limit());
        while (buf.hasRemaining()) {
            written += ch.write(buf);
        }
        buf.clear();
    }

    public void u8(int v) throws IOException {
        room(1);
        buf.put((byte) v);
    }

    public void u16(int v) throws IOException {
        room(2);
        buf.putShort((short) v);
    }

    public void u32(int v) throws IOException {
        room(4);
        buf.putInt(v);
    }

    public void u64(long v) throws IOException {
        room(8);
        buf.putLong(v);
    }

    public void bytes(byte[] b) throws IOException {
        for (int off = 0; off < b.length; ) {
            room(1);
            int n = Math.min(buf.remaining(), b.length - off);
            buf.put(b, off, n);
            off += n;
        }
    }

    public void string(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u16(b.length);
        bytes(b);
    }

    public void floats(float[] a) throws IOException {
        for (int off = 0; off < a.length; ) {
            room(4);
            int n = Math.min(buf.remaining() / 4, a.length - off);
            buf.asFloatBuffer().put(a, off, n);
            buf.position(buf.position() + 4 * n);
            off += n;
        }
    }

    public void doubles(double[] a) throws IOException {
        for (int off = 0; off < a.length; ) {
            room(8);
            int n = Math.min(buf.remaining() / 8, a.length - off);
            buf.asDoubleBuffer().put(a, off, n);
            buf.position(buf.position() + 8 * n);
            off += n;
        }
    }

    public void finishWithChecksum() throws IOException {
        drain();
        buf.putInt((int) crc.getValue());
        buf.flip();
        while (buf.hasRemaining()) {
            written += ch.write(buf);
        }
        buf.clear();
    }
}
