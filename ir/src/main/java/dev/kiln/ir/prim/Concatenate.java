package dev.kiln.ir.prim;

/** Joins one or more operands of one dtype along {@code dimension}; other dimensions must agree. */
public record Concatenate(int dimension) implements Primitive {
    @Override
    public String name() {
        return "concatenate";
    }
}
