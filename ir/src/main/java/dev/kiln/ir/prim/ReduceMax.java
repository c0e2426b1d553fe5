package dev.kiln.ir.prim;

import dev.kiln.ir.Ints;

/** Maximum over {@code axes} (sorted, distinct), removing them; the max of nothing is -inf. */
public record ReduceMax(Ints axes) implements Primitive {
    @Override
    public String name() {
        return "reduce_max";
    }
}
