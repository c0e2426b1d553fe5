package dev.kiln.ir.prim;

import dev.kiln.ir.DType;

/** Index of the maximum along {@code axis} (the first one on ties), removing that axis. */
public record ArgMax(int axis, DType indexDtype) implements Primitive {
    @Override
    public String name() {
        return "argmax";
    }
}
