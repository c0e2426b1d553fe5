package dev.kiln.ir.prim;

import dev.kiln.ir.DType;

/**
 * Elementwise dtype conversion. Float to int truncates toward zero and saturates, NaN giving 0 (as
 * a Java cast); anything to bool is {@code != 0} (so NaN is true); to f32 rounds to nearest.
 */
public record Convert(DType to) implements Primitive {
    @Override
    public String name() {
        return "convert";
    }
}
