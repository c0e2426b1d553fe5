package dev.kiln.ir.prim;

import dev.kiln.ir.DType;

/** Elementwise dtype conversion. Float to int truncates toward zero; anything to bool is {@code != 0}. */
public record Convert(DType to) implements Primitive {
    @Override
    public String name() {
        return "convert";
    }
}
