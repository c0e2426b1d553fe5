package dev.kiln.ir.kernel;

/** A loop index of a kernel, ranging over {@code [0, extent)}. Value equality: ids are unique per kernel. */
public record LoopVar(int id, String name, int extent) implements Idx.Atom {
    @Override
    public String toString() {
        return name;
    }
}
