package dev.kiln.ir.prim;

/**
 * Elementwise binary operations. Integer division and remainder truncate toward zero (as Java
 * does); shifts take the shift amount modulo 32; {@code POW} is floating-point only.
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
