package org.optim4j.network;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.optim4j.ParameterSet;
import org.optim4j.spi.Backend;

/**
 * The shape of a multilayer perceptron: layer sizes n_0 (inputs) … n_L (classes), the activation of
 * each hidden layer, and a softmax output trained with cross-entropy.
 *
 * <p>All parameters live in one flat vector, layer after layer: W⁽¹⁾ (n_1 × n_0, row-major, as in the
 * spec), b⁽¹⁾ (n_1), W⁽²⁾, b⁽²⁾, … — the layout of {@link #parameterSet(Backend)}, so one optimizer
 * step updates the whole network.
 */
public final class MlpArchitecture {
    private final int[] sizes;
    private final List<Activation> hidden;
    private final int[] weightOffsets;
    private final int[] biasOffsets;
    private final int parameterCount;

    /**
     * @param sizes  n_0, n_1, …, n_L: at least an input and an output size, each ≥ 1
     * @param hidden the activation of each hidden layer 1 … L−1 (layer L is the softmax output)
     */
    public MlpArchitecture(int[] sizes, List<Activation> hidden) {
        if (sizes == null || sizes.length < 2) {
            throw new IllegalArgumentException("sizes must list at least the input and output sizes, got "
                    + Arrays.toString(sizes));
        }
        for (int n : sizes) {
            if (n < 1) {
                throw new IllegalArgumentException("every layer size must be >= 1, got " + Arrays.toString(sizes));
            }
        }
        if (hidden == null || hidden.size() != sizes.length - 2 || hidden.stream().anyMatch(java.util.Objects::isNull)) {
            // (not hidden.contains(null): List.of's lists throw on it)
            throw new IllegalArgumentException("need one activation per hidden layer (" + (sizes.length - 2)
                    + " for sizes " + Arrays.toString(sizes) + "), got " + hidden);
        }
        this.sizes = sizes.clone();
        this.hidden = List.copyOf(hidden);
        int layers = sizes.length - 1;
        weightOffsets = new int[layers];
        biasOffsets = new int[layers];
        long offset = 0;
        for (int l = 0; l < layers; l++) {
            weightOffsets[l] = (int) offset;
            offset += (long) sizes[l + 1] * sizes[l];
            biasOffsets[l] = (int) offset;
            offset += sizes[l + 1];
            if (offset > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("network " + Arrays.toString(sizes) + " has too many parameters");
            }
        }
        parameterCount = (int) offset;
    }

    /** Every hidden layer with the same activation: {@code of(RELU, 64, 128, 64, 10)}. */
    public static MlpArchitecture of(Activation activation, int... sizes) {
        if (sizes == null || sizes.length < 2) {
            throw new IllegalArgumentException("sizes must list at least the input and output sizes, got "
                    + Arrays.toString(sizes));
        }
        List<Activation> h = new ArrayList<>();
        for (int i = 0; i < sizes.length - 2; i++) {
            h.add(activation);
        }
        return new MlpArchitecture(sizes, h);
    }

    /** Number of layers with parameters, L. */
    public int layerCount() {
        return sizes.length - 1;
    }

    /** n_i for i = 0 … L. */
    public int size(int i) {
        return sizes[i];
    }

    public int[] sizes() {
        return sizes.clone();
    }

    public int inputSize() {
        return sizes[0];
    }

    public int classCount() {
        return sizes[sizes.length - 1];
    }

    /** The activation of layer {@code layer} (1 … L); layer L is linear (its softmax belongs to the loss). */
    public Activation activation(int layer) {
        return layer == layerCount() ? Activation.IDENTITY : hidden.get(layer - 1);
    }

    /** Offset in the flat vector of W⁽ˡ⁾ (layer = 1 … L), row-major n_l × n_{l−1}. */
    public int weightOffset(int layer) {
        return weightOffsets[layer - 1];
    }

    /** Offset in the flat vector of b⁽ˡ⁾ (layer = 1 … L). */
    public int biasOffset(int layer) {
        return biasOffsets[layer - 1];
    }

    public int parameterCount() {
        return parameterCount;
    }

    /** Widest layer, n_max (sizes scratch space). */
    public int widest() {
        return Arrays.stream(sizes).max().orElseThrow();
    }

    /** The flat layout as named tensors W1, b1, W2, … on {@code backend}. */
    public ParameterSet parameterSet(Backend backend) {
        ParameterSet.Builder b = ParameterSet.builder();
        for (int l = 1; l <= layerCount(); l++) {
            b.add("W" + l, sizes[l], sizes[l - 1]).add("b" + l, sizes[l]);
        }
        return b.build(backend);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MlpArchitecture a && Arrays.equals(sizes, a.sizes) && hidden.equals(a.hidden);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sizes) * 31 + hidden.hashCode();
    }

    /** E.g. {@code 64-128-64-10 relu,relu softmax}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < sizes.length; i++) {
            s.append(i == 0 ? "" : "-").append(sizes[i]);
        }
        s.append(' ');
        for (int i = 0; i < hidden.size(); i++) {
            s.append(i == 0 ? "" : ",").append(hidden.get(i).id());
        }
        return s.append(hidden.isEmpty() ? "softmax" : " softmax").toString();
    }
}
