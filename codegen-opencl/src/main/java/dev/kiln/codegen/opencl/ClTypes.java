package dev.kiln.codegen.opencl;

import dev.kiln.ir.DType;

/** OpenCL C spellings of Kiln's dtypes and constants. Bool lives in memory as {@code uchar}, in registers as {@code bool}. */
final class ClTypes {
    private ClTypes() {
    }

    /** The type of a private variable. */
    static String scalar(DType d) {
        return switch (d) {
            case F32 -> "float";
            case F64 -> "double";
            case I32 -> "int";
            case BOOL -> "bool";
        };
    }

    /** The element type of a buffer in global memory. */
    static String memory(DType d) {
        return d == DType.BOOL ? "uchar" : scalar(d);
    }

    /** Short suffix naming helper functions per dtype: {@code kiln_max_f32}. */
    static String suffix(DType d) {
        return d.shortName();
    }

    /** An exact literal: hexadecimal floats, {@code INFINITY}, {@code NAN}; the smallest int written so that C parses it. */
    static String constant(double v, DType d) {
        return switch (d) {
            case BOOL -> v != 0 ? "true" : "false";
            case I32 -> {
                int i = (int) v;
                yield i == Integer.MIN_VALUE ? "(-2147483647 - 1)" : Integer.toString(i);
            }
            case F32 -> floating(v, "f", "(float)");
            case F64 -> floating(v, "", "(double)");
        };
    }

    private static String floating(double v, String suffix, String cast) {
        if (Double.isNaN(v)) {
            return cast + "NAN";
        }
        if (Double.isInfinite(v)) {
            return (v > 0 ? "" : "-") + cast + "INFINITY";
        }
        if (v == 0) {
            return (1 / v < 0 ? "-0.0" : "0.0") + suffix;
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return (long) v + ".0" + suffix;
        }
        return Double.toHexString(v) + suffix;
    }
}
