package dev.kiln.ir.kernel;

/** A loop index of a kernel, ranging over {@code [0, extent)}. Value equality: ids are unique per kernel. */
public record LoopVar(int id, String name, int extent) implements Idx.Atom {
    // equals and hashCode as a record's, written out: they key every memo of lowering, and the
    // generated ones (method handles) are slow until HotSpot has compiled them, i.e. in a cold JVM.
    @Override
    public boolean equals(Object o) {
        return o instanceof LoopVar v && id == v.id && extent == v.extent && name.equals(v.name);
    }

    @Override
    public int hashCode() {
        return 31 * id + extent;
    }

    @Override
    public String toString() {
        return name;
    }
}
