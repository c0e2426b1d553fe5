package dev.kiln.ir.prim;

/** An elementwise comparison of two operands of one dtype and shape; the result is bool. */
public record Compare(CompareOp op) implements Primitive {
    @Override
    public String name() {
        return op.textName();
    }
}
