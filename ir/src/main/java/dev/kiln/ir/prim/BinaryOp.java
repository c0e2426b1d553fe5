package dev.kiln.ir.prim;

/**
 * Elementwise binary operations. Integer division and remainder truncate toward zero (as Java
 * does); shifts take the shift amount modulo 32; {@code POW} is floating-point only.
 *
 * <p>Edge cases follow XLA: integer division by zero gives -1 and the remainder of a division by
 * zero is the dividend ({@code MIN_VALUE / -1} wraps to {@code MIN_VALUE}, remainder 0);
 * floating {@code REM} is C's {@code fmod} (the sign of the dividend); {@code MAX}/{@code MIN}
 * propagate NaN and order -0.0 below 0.0, as {@link Math#max}.
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, REM, POW, MAX, MIN, AND, OR, XOR, SHIFT_LEFT, SHIFT_RIGHT_LOGICAL,
    SHIFT_RIGHT_ARITHMETIC;

    public String textName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Bitwise and shift operations: i32 (and bool for and/or/xor) only. */
    public boolean isBitwise() {
        return switch (this) {
            case AND, OR, XOR, SHIFT_LEFT, SHIFT_RIGHT_LOGICAL, SHIFT_RIGHT_ARITHMETIC -> true;
            default -> false;
        };
    }
}
