package dev.kiln.ir.prim;

/**
 * The transpose of {@link Gather}: operands {@code (operand, indices, updates)} with operand
 * {@code [B1..Bn, V, R...]}, indices {@code [B1..Bn, I...]}, updates {@code [B1..Bn, I..., R...]};
 * the result is the operand with {@code updates[b, i, r]} added at {@code [b, indices[b, i], r]}.
 */
public record ScatterAdd(int batchDims) implements Primitive {
    @Override
    public String name() {
        return "scatter_add";
    }
}
