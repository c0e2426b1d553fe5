package dev.kiln.ir.prim;

/** The reduction of a {@link ReduceWindow}: max pooling pads with -inf, sum pooling with 0. */
public enum WindowKind {
    MAX, SUM;

    public String textName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
