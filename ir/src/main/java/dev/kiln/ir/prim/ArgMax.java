package dev.kiln.ir.prim;

import dev.kiln.ir.DType;

/**
 * Index of the maximum along {@code axis} (the first one on ties), removing that axis. As in JAX,
 * NaN counts as larger than every number (the first NaN wins) and -0.0 ties with 0.0.
 */
public record ArgMax(int axis, DType indexDtype) implements Primitive {
    @Override
    public String name() {
        return "argmax";
    }
}
