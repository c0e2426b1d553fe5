package dev.kiln.ir.prim;

import dev.kiln.ir.Ints;

/**
 * Pads the operand with a scalar padding value (second operand): {@code low} and {@code high}
 * elements at the ends of each dimension (negative values crop), and {@code interior} elements
 * between neighbours (non-negative).
 */
public record Pad(Ints low, Ints high, Ints interior) implements Primitive {
    @Override
    public String name() {
        return "pad";
    }
}
