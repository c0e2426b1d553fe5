package dev.kiln.ir.prim;

/** Elementwise unary operations. {@code STOP_GRADIENT} is the identity whose derivative is zero. */
public enum UnaryOp {
    NEG, EXP, LOG, LOG1P, EXPM1, TANH, LOGISTIC, SQRT, RSQRT, ABS, SIGN, SIN, COS, FLOOR, CEIL,
    ROUND, NOT, STOP_GRADIENT;

    /** The name in IR text, e.g. {@code log1p}. */
    public String textName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Operations defined only on floating-point operands. */
    public boolean floatOnly() {
        return switch (this) {
            case NEG, ABS, SIGN, NOT, STOP_GRADIENT -> false;
            default -> true;
        };
    }
}
