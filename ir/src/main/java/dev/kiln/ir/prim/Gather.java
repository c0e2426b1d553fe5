package dev.kiln.ir.prim;

/**
 * Row lookup along one axis (an embedding lookup, a label pick). With {@code batchDims} = n,
 * operand {@code [B1..Bn, V, R...]} and integer indices {@code [B1..Bn, I...]} give
 * {@code out[b, i, r] = operand[b, indices[b, i], r]} of shape {@code [B1..Bn, I..., R...]}.
 * An index outside {@code [0, V)} is an error on the JVM backends and the interpreter.
 */
public record Gather(int batchDims) implements Primitive {
    @Override
    public String name() {
        return "gather";
    }
}
