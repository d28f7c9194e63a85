package org.optim4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.optim4j.internal.Check;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.DoubleArrayBuffer;
import org.optim4j.spi.FloatArrayBuffer;

/**
 * A model's tensors laid out one after another in one flat buffer, so that one optimizer call
 * updates them all (as DL4J flattens a layer's parameters and PyTorch groups tensors in its
 * foreach path). A gradient set of the same layout comes from {@link #newLike()}.
 *
 * <pre>{@code
 * ParameterSet params = ParameterSet.builder().add("W1", 128, 64).add("b1", 128).build(backend);
 * Optimizer opt = Optimizer.create(rule, backend, params.size());
 * opt.step(params.flat(), grads.flat());
 * }</pre>
 *
 * <p>Over arrays you already have, without a copy: {@code ParameterSet.builder().add("W1", 128, 64).add("b1",
 * 128).wrap(myFlatArray)}. One tensor is read and written by name and index ({@link #get}, {@link #set},
 * {@link #toArray}, {@link #copyFrom}); no cast of the flat buffer and no offset arithmetic.
 */
public final class ParameterSet {

    /** One tensor of the set: elements {@code [offset, offset + length)} of the flat buffer, row-major. */
    public record Tensor(String name, int offset, int length, int[] shape) {
        public Tensor {
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        @Override
        public String toString() {
            return name + Arrays.toString(shape) + "@" + offset;
        }
    }

    private final List<Tensor> tensors;
    private final Map<String, Tensor> byName;
    private final Buffer flat;
    /** Makes a zeroed buffer of the set's length on the same storage (for {@link #newLike()}). */
    private final IntFunction<Buffer> allocator;

    private ParameterSet(List<Tensor> tensors, Buffer flat, IntFunction<Buffer> allocator) {
        this(Collections.unmodifiableList(tensors), byName(tensors), flat, allocator);
    }

    /** A set of an existing layout over another buffer: shares the layout, copies nothing (one per gradient call). */
    private ParameterSet(List<Tensor> tensors, Map<String, Tensor> byName, Buffer flat, IntFunction<Buffer> allocator) {
        this.tensors = tensors;
        this.byName = byName;
        this.allocator = allocator;
        this.flat = flat;
    }

    private static Map<String, Tensor> byName(List<Tensor> tensors) {
        Map<String, Tensor> map = new LinkedHashMap<>();
        for (Tensor t : tensors) {
            map.put(t.name(), t);
        }
        return Collections.unmodifiableMap(map);
    }

    private static int totalLength(List<Tensor> tensors) {
        Tensor last = tensors.isEmpty() ? null : tensors.get(tensors.size() - 1);
        return last == null ? 0 : last.offset() + last.length();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The flat buffer holding every tensor. */
    public Buffer flat() {
        return flat;
    }

    /** Total number of elements. */
    public int size() {
        return flat.length();
    }

    public List<Tensor> tensors() {
        return tensors;
    }

    public Tensor tensor(String name) {
        Tensor t = byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor named '" + name + "'; this set has " + byName.keySet());
        }
        return t;
    }

    /** A new zeroed set with the same tensors, on the same storage (for gradients). */
    public ParameterSet newLike() {
        return new ParameterSet(tensors, byName, allocator.apply(flat.length()), allocator);
    }

    /** This layout over another buffer of the same length (no copy): e.g. the point a gradient function is given. */
    public ParameterSet over(Buffer otherFlat) {
        Check.notNull("otherFlat", otherFlat);
        checkLength(tensors, otherFlat);
        return new ParameterSet(tensors, byName, otherFlat, allocator);
    }

    /** Element {@code index} (one index per dimension, row-major) of tensor {@code name}. */
    public double get(String name, int... index) {
        return flat.get(position(name, index));
    }

    /** Sets element {@code index} (one index per dimension, row-major) of tensor {@code name}. */
    public void set(String name, double value, int... index) {
        flat.set(position(name, index), value);
    }

    /** A copy of tensor {@code name}'s elements, row-major. */
    public float[] toArray(String name) {
        Tensor t = tensor(name);
        float[] out = new float[t.length()];
        if (flat instanceof FloatArrayBuffer f) {
            System.arraycopy(f.array(), t.offset(), out, 0, t.length());
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) flat.get(t.offset() + i);
            }
        }
        return out;
    }

    /** Overwrites tensor {@code name} with {@code values} (row-major, exactly its length). */
    public void copyFrom(String name, float[] values) {
        Tensor t = tensor(name);
        Check.notNull("values", values);
        if (values.length != t.length()) {
            throw new IllegalArgumentException("values has length " + values.length + " but tensor " + t
                    + " has " + t.length() + " elements");
        }
        if (flat instanceof FloatArrayBuffer f) {
            System.arraycopy(values, 0, f.array(), t.offset(), values.length);
        } else {
            for (int i = 0; i < values.length; i++) {
                flat.set(t.offset() + i, values[i]);
            }
        }
    }

    private int position(String name, int[] index) {
        Tensor t = tensor(name);
        Check.notNull("index", index);
        int[] shape = t.shape;
        if (index.length != shape.length) {
            throw new IllegalArgumentException("tensor " + t + " takes " + shape.length + " indices, got "
                    + Arrays.toString(index));
        }
        int position = 0;
        for (int d = 0; d < shape.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d]) {
                throw new IllegalArgumentException("index " + Arrays.toString(index) + " is outside tensor " + t);
            }
            position = position * shape[d] + index[d];
        }
        return t.offset() + position;
    }

    private static void checkLength(List<Tensor> tensors, Buffer flat) {
        if (flat.length() != totalLength(tensors)) {
            throw new IllegalArgumentException("the flat buffer has length " + flat.length() + " but the tensors "
                    + tensors + " need " + totalLength(tensors));
        }
    }

    /** Builds the layout tensor by tensor. */
    public static final class Builder {
        private final List<Tensor> tensors = new ArrayList<>();
        private long offset;

        /** Appends a tensor of the given shape (every dimension ≥ 0). */
        public Builder add(String name, int... shape) {
            Check.notNull("name", name);
            Check.notNull("shape", shape);
            if (name.isBlank()) {
                throw new IllegalArgumentException("tensor name must not be blank, got '" + name + "'");
            }
            if (tensors.stream().anyMatch(t -> t.name().equals(name))) {
                throw new IllegalArgumentException("tensor name '" + name + "' is used twice");
            }
            long length = 1;
            for (int d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("tensor '" + name + "' has a negative dimension: "
                            + Arrays.toString(shape));
                }
                length *= d; // both factors ≤ 2^31: no long overflow
                if (length > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("tensor '" + name + "' has more than " + Integer.MAX_VALUE
                            + " elements: " + Arrays.toString(shape));
                }
            }
            if (offset + length > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("tensor '" + name + "' makes the set longer than "
                        + (Integer.MAX_VALUE - 8) + " elements");
            }
            tensors.add(new Tensor(name, (int) offset, (int) length, shape));
            offset += length;
            return this;
        }

        /** The set in a new zeroed buffer of {@code backend}. */
        public ParameterSet build(Backend backend) {
            Check.notNull("backend", backend);
            List<Tensor> layout = new ArrayList<>(tensors);
            return new ParameterSet(layout, backend.allocate(totalLength(layout)), backend::allocate);
        }

        /**
         * The set over {@code flat}, the caller's own array, without a copy: a step updates it in place. Its
         * length must be the tensors' total. For a heap backend ({@code scalar}, {@code simd}, {@code simd1}).
         */
        public ParameterSet wrap(float[] flat) {
            Check.notNull("flat", flat);
            return wrap(FloatArrayBuffer.wrap(flat), FloatArrayBuffer::zeros);
        }

        /** {@link #wrap(float[])} in double precision ({@code scalar-f64}). */
        public ParameterSet wrap(double[] flat) {
            Check.notNull("flat", flat);
            return wrap(DoubleArrayBuffer.wrap(flat), DoubleArrayBuffer::zeros);
        }

        /** The set over a buffer of {@code backend} the caller already has (e.g. {@code Nd4jBuffer.wrap(array)}). */
        public ParameterSet wrap(Buffer flat, Backend backend) {
            Check.notNull("flat", flat);
            Check.notNull("backend", backend);
            if (!backend.owns(flat)) {
                throw new IllegalArgumentException("flat is a " + flat.getClass().getSimpleName()
                        + ", not a buffer of backend '" + backend.name() + "'");
            }
            return wrap(flat, backend::allocate);
        }

        private ParameterSet wrap(Buffer flat, IntFunction<Buffer> allocator) {
            List<Tensor> layout = new ArrayList<>(tensors);
            checkLength(layout, flat);
            return new ParameterSet(layout, flat, allocator);
        }
    }
}
