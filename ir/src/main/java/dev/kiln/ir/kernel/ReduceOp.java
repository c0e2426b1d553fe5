package dev.kiln.ir.kernel;

/** How an accumulator combines values: {@code acc + v} or {@code max(acc, v)} (NaN propagating). */
public enum ReduceOp {
    SUM, MAX;

    public String textName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
