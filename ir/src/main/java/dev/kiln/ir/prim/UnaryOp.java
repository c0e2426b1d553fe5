package dev.kiln.ir.prim;

/**
 * Elementwise unary operations. {@code STOP_GRADIENT} is the identity whose derivative is zero.
 * {@code ROUND} rounds half away from zero as XLA's {@code round} ({@code -2.5 -> -3}, unlike
 * {@link Math#round}); {@code SIGN} returns -1, 1, or the operand itself for ±0 and NaN;
 * {@code LOGISTIC} is {@code 1 / (1 + e^-x)}; on i32, {@code NEG} and {@code ABS} wrap
 * ({@code abs(MIN_VALUE) = MIN_VALUE}) and {@code NOT} is bitwise.
 */
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
