package dev.kiln.ir.prim;

/** An elementwise unary operation: {@code out[i] = op(x[i])}. */
public record Unary(UnaryOp op) implements Primitive {
    @Override
    public String name() {
        return op.textName();
    }
}
