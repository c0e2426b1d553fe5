package dev.kiln.codegen.jvm.library;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.TensorType;

/** Copies between (array, offset) slices of arenas and standalone arrays. */
final class Slices {
    private Slices() {
    }

    static ArrayData copyOut(TensorType type, Object array, int offset) {
        ArrayData d = ArrayData.zeros(type);
        System.arraycopy(array, offset, d.storage(), 0, type.numel());
        return d;
    }
}
