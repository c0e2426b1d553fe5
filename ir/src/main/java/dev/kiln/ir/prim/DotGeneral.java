package dev.kiln.ir.prim;

import dev.kiln.ir.Ints;

/**
 * A generalised matrix product (XLA's DotGeneral). The output's dimensions are the batch
 * dimensions (in {@code lhsBatch} order), then the lhs free dimensions, then the rhs free
 * dimensions, each in operand order. Contracting and batch dimension lists pair up by position.
 */
public record DotGeneral(Ints lhsContract, Ints rhsContract, Ints lhsBatch, Ints rhsBatch) implements Primitive {
    @Override
    public String name() {
        return "dot_general";
    }

    /** A plain matrix product {@code [m,k] x [k,n]}. */
    public static DotGeneral matmul() {
        return new DotGeneral(Ints.of(1), Ints.of(0), Ints.empty(), Ints.empty());
    }
}
