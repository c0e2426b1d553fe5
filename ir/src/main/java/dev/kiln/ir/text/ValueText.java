package dev.kiln.ir.text;

import dev.kiln.ir.ArrayData;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of one array element in a constant's value list. Floats print with
 * {@link Float#toString}/{@link Double#toString}, which parse back to the same bits; infinities as
 * {@code inf}/{@code -inf}; the canonical NaN as {@code nan} and any other NaN with its bits,
 * {@code nan(0x7fc00001)}, so a round trip is bit-exact.
 */
final class ValueText {
    private static final int CANONICAL_NAN_F32 = Float.floatToRawIntBits(Float.NaN);
    private static final long CANONICAL_NAN_F64 = Double.doubleToRawLongBits(Double.NaN);
    /** Decimal or hex floats; Java's own parser would also take "NaN", "1f" or " 1", which we do not print. */
    private static final Pattern NUMBER = Pattern.compile(
            "-?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?|-?0[xX](\\p{XDigit}+\\.?\\p{XDigit}*|\\.\\p{XDigit}+)[pP][+-]?\\d+");
    private static final Pattern NAN_BITS = Pattern.compile("nan\\(0x(\\p{XDigit}+)\\)");

    private ValueText() {
    }

    static String element(ArrayData a, int i) {
        return switch (a.storage()) {
            case float[] f -> floatText(f[i]);
            case double[] d -> doubleText(d[i]);
            case int[] n -> Integer.toString(n[i]);
            case boolean[] b -> Boolean.toString(b[i]);
            default -> throw new IllegalStateException("unknown storage " + a.storage().getClass());
        };
    }

    static String floatText(float f) {
        if (Float.isNaN(f)) {
            int bits = Float.floatToRawIntBits(f);
            return bits == CANONICAL_NAN_F32 ? "nan" : "nan(0x" + Integer.toHexString(bits) + ")";
        }
        if (Float.isInfinite(f)) {
            return f > 0 ? "inf" : "-inf";
        }
        return Float.toString(f);
    }

    static String doubleText(double d) {
        if (Double.isNaN(d)) {
            long bits = Double.doubleToRawLongBits(d);
            return bits == CANONICAL_NAN_F64 ? "nan" : "nan(0x" + Long.toHexString(bits) + ")";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        return Double.toString(d);
    }

    /** Parses what {@link #floatText} prints (and any decimal or hex float) to the same bits. */
    static float parseFloat(String s) {
        Matcher nan = NAN_BITS.matcher(s);
        if (nan.matches()) {
            float f = Float.intBitsToFloat(Integer.parseUnsignedInt(nan.group(1), 16));
            if (!Float.isNaN(f)) {
                throw new NumberFormatException("not NaN bits: " + s);
            }
            return f;
        }
        return switch (s) {
            case "nan" -> Float.NaN;
            case "inf" -> Float.POSITIVE_INFINITY;
            case "-inf" -> Float.NEGATIVE_INFINITY;
            default -> Float.parseFloat(checked(s));
        };
    }

    /** Parses what {@link #doubleText} prints (and any decimal or hex float) to the same bits. */
    static double parseDouble(String s) {
        Matcher nan = NAN_BITS.matcher(s);
        if (nan.matches()) {
            double d = Double.longBitsToDouble(Long.parseUnsignedLong(nan.group(1), 16));
            if (!Double.isNaN(d)) {
                throw new NumberFormatException("not NaN bits: " + s);
            }
            return d;
        }
        return switch (s) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(checked(s));
        };
    }

    private static String checked(String s) {
        if (!NUMBER.matcher(s).matches()) {
            throw new NumberFormatException(s);
        }
        return s;
    }
}
