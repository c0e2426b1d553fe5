package dev.kiln.ir.prim;

import dev.kiln.ir.Ints;

/** Reverses the operand along {@code dimensions} (the kernel flip of a transposed convolution). */
public record Rev(Ints dimensions) implements Primitive {
    @Override
    public String name() {
        return "rev";
    }
}
