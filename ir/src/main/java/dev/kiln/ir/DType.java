package dev.kiln.ir;

/**
 * The element types of Kiln arrays. Integers are 32-bit two's complement (random bits use them
 * as raw words, with logical shifts); booleans are the results of comparisons and the predicates
 * of {@code select}.
 */
public enum DType {
    F32("f32", 4),
    F64("f64", 8),
    I32("i32", 4),
    BOOL("bool", 1);

    private final String shortName;
    private final int byteSize;

    DType(String shortName, int byteSize) {
        this.shortName = shortName;
        this.byteSize = byteSize;
    }

    /** The name used in IR text, e.g. {@code f32}. */
    public String shortName() {
        return shortName;
    }

    /** Bytes one element occupies in a buffer. */
    public int byteSize() {
        return byteSize;
    }

    public boolean isFloating() {
        return this == F32 || this == F64;
    }

    public boolean isInteger() {
        return this == I32;
    }

    /** Parses the short name used in IR text. */
    public static DType parse(String s) {
        for (DType d : values()) {
            if (d.shortName.equals(s)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown dtype '" + s + "' (expected f32, f64, i32 or bool)");
    }

    @Override
    public String toString() {
        return shortName;
    }
}
