package dev.kiln.ir.prim;

import dev.kiln.ir.Ints;

/** Permutes dimensions: output dimension {@code i} is operand dimension {@code permutation[i]}. */
public record Transpose(Ints permutation) implements Primitive {
    @Override
    public String name() {
        return "transpose";
    }
}
