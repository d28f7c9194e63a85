package org.optim4j.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A small little-endian writer into memory: the metadata blocks of binary formats (typed name/value maps). */
public final class LittleEndianBytes {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

    public void i32(int v) {
        scratch.clear();
        scratch.putInt(v);
        bytes.write(scratch.array(), 0, 4);
    }

    public void i64(long v) {
        scratch.clear();
        scratch.putLong(v);
        bytes.write(scratch.array(), 0, 8);
    }

    public void u16(int v) {
        if (v < 0 || v > 0xffff) {
            throw new IllegalArgumentException("value " + v + " does not fit in 16 bits");
        }
        bytes.write(v & 0xff);
        bytes.write(v >>> 8);
    }

    public void string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u16(b.length);
        bytes.write(b, 0, b.length);
    }

    public void values(Map<String, Number> values) {
        u16(values.size());
        for (Map.Entry<String, Number> e : values.entrySet()) {
            string(e.getKey());
            if (e.getValue() instanceof Long) {
                bytes.write(LittleEndianChannelReader.VALUE_INT64);
                i64((Long) e.getValue());
            } else {
                bytes.write(LittleEndianChannelReader.VALUE_FLOAT64);
                i64(Double.doubleToRawLongBits((Double) e.getValue()));
            }
        }
    }

    public byte[] toByteArray() {
        return bytes.toByteArray();
    }
}
