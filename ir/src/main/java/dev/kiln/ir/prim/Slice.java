package dev.kiln.ir.prim;

import dev.kiln.ir.Ints;

/** A strided static slice: per dimension, indices {@code start, start+stride, ... < limit}. */
public record Slice(Ints start, Ints limit, Ints strides) implements Primitive {
    @Override
    public String name() {
        return "slice";
    }
}
