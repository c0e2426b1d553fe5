package dev.kiln.ir.kernel;

import dev.kiln.ir.DType;

/** A scalar variable of a kernel (a value computed once per iteration, or an accumulator). */
public record Local(int id, DType dtype, String name) {
    @Override
    public String toString() {
        return name;
    }
}
