package dev.kiln.ir.prim;

import dev.kiln.ir.DType;
import dev.kiln.ir.Shape;

/** No operands; {@code out[..., i_dimension, ...] = i_dimension}. */
public record Iota(DType dtype, Shape shape, int dimension) implements Primitive {
    @Override
    public String name() {
        return "iota";
    }
}
