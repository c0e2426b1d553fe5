package dev.kiln.ir.buffers;

import dev.kiln.ir.DType;

/**
 * Where a buffer lives at run time: the array of graph input or constant {@code index}, the fresh
 * array of graph output {@code index}, or {@code [offset, offset+size)} of the arena of its dtype.
 * Offsets and sizes count elements.
 */
public record Placement(Where where, DType dtype, int index, int offset, int size) {

    /** The kinds of memory a buffer can live in. */
    public enum Where {
        INPUT, CONSTANT, OUTPUT, ARENA
    }

    public static Placement arena(DType dtype, int offset, int size) {
        return new Placement(Where.ARENA, dtype, -1, offset, size);
    }

    public static Placement external(Where where, DType dtype, int index, int size) {
        return new Placement(where, dtype, index, 0, size);
    }

    public int end() {
        return offset + size;
    }

    @Override
    public String toString() {
        return switch (where) {
            case ARENA -> dtype + " arena [" + offset + ", " + end() + ")";
            case INPUT -> "input " + index;
            case CONSTANT -> "constant " + index;
            case OUTPUT -> "output " + index;
        };
    }
}
