package dev.kiln.ir.prim;

import dev.kiln.ir.Ints;

/** Sums over {@code axes} (sorted, distinct), removing them from the shape. */
public record ReduceSum(Ints axes) implements Primitive {
    @Override
    public String name() {
        return "reduce_sum";
    }
}
