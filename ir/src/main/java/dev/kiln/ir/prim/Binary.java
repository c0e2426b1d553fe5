package dev.kiln.ir.prim;

/** An elementwise binary operation on two operands of one dtype and shape (or a scalar literal). */
public record Binary(BinaryOp op) implements Primitive {
    @Override
    public String name() {
        return op.textName();
    }
}
