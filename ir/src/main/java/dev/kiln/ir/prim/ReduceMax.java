package dev.kiln.ir.prim;

import dev.kiln.ir.Ints;

/**
 * Maximum over {@code axes} (sorted, distinct), removing them; the max of nothing is -inf
 * ({@code Integer.MIN_VALUE} for i32). NaN propagates.
 */
public record ReduceMax(Ints axes) implements Primitive {
    @Override
    public String name() {
        return "reduce_max";
    }
}
