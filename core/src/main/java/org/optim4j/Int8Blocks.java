package org.optim4j;

import java.util.List;
import java.util.stream.IntStream;
import org.optim4j.quant.BlockPlan;
import org.optim4j.state.ParameterGroup;
import org.optim4j.state.TensorSlot;

/**
 * The blocks of an optimizer's int8 state, as bitsandbytes keeps 8-bit state ({@code Optimizer8bit.init_state}:
 * state per parameter tensor, blocks of 2048 counted from each tensor's start, and a tensor with fewer than
 * {@code min_8bit_size} = 4096 elements in 32-bit state): every tensor of the layout and every parameter group's
 * range starts a new block, so one absmax never covers a weight matrix and a bias together (their moments differ by
 * orders of magnitude, and a bias's r quantized to 0 next to a nonzero s made s/√r blow up: issue 14), and tensors
 * under the minimum keep float32 state. Without a layout the buffer is one unknown tensor: blocks start only at
 * group bounds, and nothing is kept in float32.
 */
final class Int8Blocks {
    private Int8Blocks() {
    }

    /**
     * @param tensors the layout's tensors, or empty when the optimizer was built without one
     */
    static BlockPlan plan(int parameterCount, List<TensorSlot> tensors, List<ParameterGroup> groups,
                          int minTensorSize) {
        int[] offsets = tensors.stream().mapToInt(TensorSlot::offset).toArray();
        int[] lengths = tensors.stream().mapToInt(TensorSlot::length).toArray();
        int[] cuts = groups.stream().flatMap(g -> g.ranges().stream())
                .flatMapToInt(r -> IntStream.of(r.from(), r.to())).toArray();
        return BlockPlan.aligned(parameterCount, offsets, lengths, cuts, minTensorSize);
    }
}
