package dev.kiln.ir.prim;

import dev.kiln.ir.Shape;

/** Reinterprets the operand's elements, in row-major order, with a new shape of equal size. */
public record Reshape(Shape newShape) implements Primitive {
    @Override
    public String name() {
        return "reshape";
    }
}
