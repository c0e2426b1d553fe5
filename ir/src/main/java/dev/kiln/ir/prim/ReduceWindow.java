package dev.kiln.ir.prim;

import dev.kiln.ir.Ints;

/**
 * Pooling: reduces each window of {@code windowDims} (one entry per operand dimension, 1 where no
 * pooling happens), stepped by {@code strides}, over the operand padded by {@code padLow} /
 * {@code padHigh} with the reduction's identity.
 */
public record ReduceWindow(WindowKind kind, Ints windowDims, Ints strides, Ints padLow, Ints padHigh) implements Primitive {
    @Override
    public String name() {
        return "reduce_window";
    }
}
