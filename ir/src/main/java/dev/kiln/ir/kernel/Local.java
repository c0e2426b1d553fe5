package dev.kiln.ir.kernel;

import dev.kiln.ir.DType;

/** A scalar variable of a kernel (a value computed once per iteration, or an accumulator). */
public record Local(int id, DType dtype, String name) {
    // equals and hashCode as a record's, written out (see LoopVar).
    @Override
    public boolean equals(Object o) {
        return o instanceof Local l && id == l.id && dtype == l.dtype && name.equals(l.name);
    }

    @Override
    public int hashCode() {
        return 31 * id + dtype.ordinal();
    }

    @Override
    public String toString() {
        return name;
    }
}
