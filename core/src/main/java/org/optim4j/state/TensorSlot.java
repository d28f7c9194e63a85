package org.optim4j.state;

/** One named tensor of the flat parameter buffer: elements {@code [offset, offset + length)}. */
public record TensorSlot(String name, int offset, int length) {
    public TensorSlot {
        if (name == null || name.isBlank() || offset < 0 || length < 0) {
            throw new IllegalArgumentException("tensor '" + name + "' at " + offset + " with " + length
                    + " elements is not a valid tensor");
        }
    }

    public int end() {
        return offset + length;
    }
}
