package dev.kiln.ir.prim;

/** Elementwise comparisons; the result is bool. */
public enum CompareOp {
    EQ, NE, LT, LE, GT, GE;

    public String textName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
