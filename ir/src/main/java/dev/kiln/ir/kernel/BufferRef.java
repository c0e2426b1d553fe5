package dev.kiln.ir.kernel;

import dev.kiln.ir.DType;
import dev.kiln.ir.TensorType;

/**
 * A dense row-major array a kernel reads or writes, named symbolically: where it lives (a graph
 * input, a constant, a slot of an arena, a fresh output array) is decided by buffer assignment.
 * Kernels index it by flat element position.
 */
public record BufferRef(int id, String name, TensorType type, Kind kind) {

    /** Where a buffer's contents come from. */
    public enum Kind {
        /** A graph input, read-only. */
        INPUT,
        /** A graph constant, read-only. */
        CONSTANT,
        /** A value computed by a kernel (an intermediate or a graph output). */
        VALUE,
        /** Working memory of one kernel, dead once the kernel returns. */
        SCRATCH
    }

    // equals and hashCode as a record's, written out (see LoopVar).
    @Override
    public boolean equals(Object o) {
        return o instanceof BufferRef b && id == b.id && kind == b.kind && name.equals(b.name) && type.equals(b.type);
    }

    @Override
    public int hashCode() {
        return 31 * id + kind.ordinal();
    }

    public DType dtype() {
        return type.dtype();
    }

    public int size() {
        return type.numel();
    }

    @Override
    public String toString() {
        return name;
    }
}
