package dev.kiln.ir;

import java.util.Arrays;
import java.util.List;

/**
 * Numerical comparison of arrays, for tests in every module and for gradient checks: maximum
 * absolute and relative differences, and {@code assertClose}, which fails with the first and the
 * worst mismatching elements (index and values), the overall error and both types.
 *
 * <p>Arrays are compared by value, so an f32 result may be checked against an f64 reference.
 * NaN matches NaN at the same position and an infinity matches the same infinity; any other
 * difference involving a NaN or an infinity counts as infinitely large.
 */
public final class ArrayCompare {
    private ArrayCompare() {
    }

    /** {@code max_i |expected_i - actual_i|} (0 for empty arrays). */
    public static double maxAbsDiff(ArrayData expected, ArrayData actual) {
        checkShapes(expected, actual);
        double worst = 0;
        for (int i = 0; i < expected.size(); i++) {
            worst = Math.max(worst, diff(expected.getDouble(i), actual.getDouble(i)));
        }
        return worst;
    }

    /**
     * {@link #maxAbsDiff} divided by the largest magnitude in {@code expected}: an error relative to
     * the array's scale, which elements near zero do not blow up (0 when both are 0, infinite when
     * only the scale is).
     */
    public static double maxRelDiff(ArrayData expected, ArrayData actual) {
        return relative(maxAbsDiff(expected, actual), maxAbs(expected));
    }

    /** {@code max_i |expected_i - actual_i| / |expected_i|}: the strictest, per-element relative error. */
    public static double maxElementwiseRelDiff(ArrayData expected, ArrayData actual) {
        checkShapes(expected, actual);
        double worst = 0;
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.getDouble(i);
            worst = Math.max(worst, relative(diff(e, actual.getDouble(i)), Math.abs(e)));
        }
        return worst;
    }

    /** The largest finite or infinite magnitude in {@code a}, ignoring NaN (0 for an empty array). */
    public static double maxAbs(ArrayData a) {
        double m = 0;
        for (int i = 0; i < a.size(); i++) {
            double v = Math.abs(a.getDouble(i));
            if (!Double.isNaN(v)) {
                m = Math.max(m, v);
            }
        }
        return m;
    }

    /** Whether every element satisfies {@code |actual - expected| <= atol + rtol * |expected|} (numpy's allclose). */
    public static boolean allClose(ArrayData expected, ArrayData actual, double rtol, double atol) {
        return expected.shape().equals(actual.shape()) && countMismatches(expected, actual, rtol, atol) == 0;
    }

    /**
     * Asserts that the shapes are equal and that every element satisfies
     * {@code |actual - expected| <= atol + rtol * |expected|} (numpy's {@code allclose}, NaN equal to
     * NaN).
     *
     * @param what names the compared quantity in the failure message, e.g. {@code "conv output"}
     * @throws AssertionError naming the first and the worst mismatch, the count, the overall errors and the types
     */
    public static void assertClose(ArrayData expected, ArrayData actual, double rtol, double atol, String what) {
        if (!expected.shape().equals(actual.shape())) {
            throw new AssertionError(what + ": shapes differ: expected " + expected.type() + ", actual " + actual.type());
        }
        int mismatches = countMismatches(expected, actual, rtol, atol);
        if (mismatches == 0) {
            return;
        }
        int first = -1, worst = -1;
        double worstExcess = -1;
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.getDouble(i), a = actual.getDouble(i);
            double allowed = atol + rtol * Math.abs(e);
            if (!close(e, a, allowed)) {
                first = first < 0 ? i : first;
                double excess = relative(diff(e, a), allowed);
                if (Double.isNaN(excess)) {
                    excess = Double.POSITIVE_INFINITY; // an infinite difference where infinity is allowed
                }
                if (excess > worstExcess) {
                    worstExcess = excess;
                    worst = i;
                }
            }
        }
        StringBuilder sb = new StringBuilder(what).append(": ").append(mismatches).append(" of ").append(expected.size())
                .append(" elements differ beyond rtol=").append(rtol).append(" atol=").append(atol)
                .append("\n  first at ").append(describe(expected, actual, first, rtol, atol));
        if (worst != first) {
            sb.append("\n  worst at ").append(describe(expected, actual, worst, rtol, atol));
        }
        sb.append("\n  max abs diff ").append(maxAbsDiff(expected, actual))
                .append(", max rel diff ").append(maxRelDiff(expected, actual))
                .append(" (relative to max |expected| = ").append(maxAbs(expected)).append(')')
                .append("\n  expected ").append(expected).append("\n  actual   ").append(actual);
        throw new AssertionError(sb.toString());
    }

    /** {@link #assertClose} for each pair of two equally long lists, naming the failing position. */
    public static void assertClose(List<ArrayData> expected, List<ArrayData> actual, double rtol, double atol, String what) {
        if (expected.size() != actual.size()) {
            throw new AssertionError(what + ": expected " + expected.size() + " arrays, got " + actual.size());
        }
        for (int i = 0; i < expected.size(); i++) {
            assertClose(expected.get(i), actual.get(i), rtol, atol, what + " [" + i + "]");
        }
    }

    /**
     * Asserts {@code |actual - expected| <= rtol * max|expected|} for every element: closeness relative
     * to the array's scale, the right test for gradients whose small entries carry only absolute error.
     */
    public static void assertCloseToScale(ArrayData expected, ArrayData actual, double rtol, String what) {
        assertClose(expected, actual, 0, rtol * maxAbs(expected), what);
    }

    // ---- helpers ----

    private static int countMismatches(ArrayData expected, ArrayData actual, double rtol, double atol) {
        int n = 0;
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.getDouble(i);
            if (!close(e, actual.getDouble(i), atol + rtol * Math.abs(e))) {
                n++;
            }
        }
        return n;
    }

    /** Within tolerance; an infinite difference never is, even where an infinite expected value makes the tolerance infinite. */
    private static boolean close(double e, double a, double allowed) {
        double d = diff(e, a);
        return d == 0 || (d != Double.POSITIVE_INFINITY && d <= allowed);
    }

    /** |e - a|, 0 for equal values (equal infinities, NaN and NaN), +inf when only one is NaN or infinite. */
    private static double diff(double e, double a) {
        if (e == a || (Double.isNaN(e) && Double.isNaN(a))) {
            return 0;
        }
        double d = Math.abs(e - a);
        return Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
    }

    private static double relative(double diff, double scale) {
        if (diff == 0) {
            return 0;
        }
        return scale == 0 ? Double.POSITIVE_INFINITY : diff / scale;
    }

    private static String describe(ArrayData expected, ArrayData actual, int flat, double rtol, double atol) {
        double e = expected.getDouble(flat), a = actual.getDouble(flat);
        return Arrays.toString(unflatten(flat, expected.shape())) + " (flat " + flat + "): expected " + e
                + ", actual " + a + " (abs diff " + diff(e, a) + ", allowed " + (atol + rtol * Math.abs(e)) + ")";
    }

    private static int[] unflatten(int flat, Shape shape) {
        int[] idx = new int[shape.rank()];
        for (int d = shape.rank() - 1; d >= 0; d--) {
            idx[d] = flat % shape.dim(d);
            flat /= shape.dim(d);
        }
        return idx;
    }

    private static void checkShapes(ArrayData expected, ArrayData actual) {
        if (!expected.shape().equals(actual.shape())) {
            throw new IllegalArgumentException("shapes differ: expected " + expected.type() + ", actual " + actual.type());
        }
    }
}
