package dev.kiln.ir;

/**
 * A scalar constant written inline in an equation. Only elementwise primitives take literals, and
 * a literal operand broadcasts against the other operands' shape. The value is held as a double,
 * which represents every f32, i32 and bool value exactly.
 */
public record Literal(double value, DType dtype) implements Atom {

    public static Literal of(double value, DType dtype) {
        return new Literal(canonical(value, dtype), dtype);
    }

    private static double canonical(double v, DType d) {
        return switch (d) {
            case F32 -> (float) v;
            case F64 -> v;
            case I32 -> (int) v;
            case BOOL -> v != 0 ? 1 : 0;
        };
    }

    @Override
    public TensorType type() {
        return TensorType.scalar(dtype);
    }

    /** The literal as IR text, e.g. {@code 1.0:f32}, {@code 3:i32}, {@code true}. */
    public String text() {
        return switch (dtype) {
            case BOOL -> value != 0 ? "true" : "false";
            case I32 -> (int) value + ":i32";
            case F32 -> floatText((float) value) + ":f32";
            case F64 -> doubleText(value) + ":f64";
        };
    }

    private static String floatText(float f) {
        if (Float.isNaN(f)) {
            return "nan";
        }
        if (Float.isInfinite(f)) {
            return f > 0 ? "inf" : "-inf";
        }
        return Float.toString(f);
    }

    private static String doubleText(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        return Double.toString(d);
    }

    @Override
    public String toString() {
        return text();
    }
}
