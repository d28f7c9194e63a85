package org.optim4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optim4j.internal.Check;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;

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
    private final Backend backend;

    private ParameterSet(List<Tensor> tensors, Backend backend) {
        this.tensors = Collections.unmodifiableList(tensors);
        this.byName = new LinkedHashMap<>();
        for (Tensor t : tensors) {
            byName.put(t.name(), t);
        }
        this.backend = backend;
        Tensor last = tensors.isEmpty() ? null : tensors.get(tensors.size() - 1);
        this.flat = backend.allocate(last == null ? 0 : last.offset() + last.length());
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

    /** A new zeroed set with the same tensors, on the same backend (for gradients). */
    public ParameterSet newLike() {
        return new ParameterSet(tensors, backend);
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

        public ParameterSet build(Backend backend) {
            return new ParameterSet(new ArrayList<>(tensors), Check.notNull("backend", backend));
        }
    }
}
