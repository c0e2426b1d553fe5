package dev.kiln.privacy.accountant;

/**
 * Arithmetic on numbers held as their natural logarithms, so that sums of terms like
 * {@code exp(7937)} or {@code exp(-800)} neither overflow nor vanish. Zero is {@code -Infinity}.
 */
final class LogSpace {
    private LogSpace() {}

    /** {@code log(exp(a) + exp(b))}. */
    static double add(double a, double b) {
        double hi = Math.max(a, b);
        double lo = Math.min(a, b);
        if (lo == Double.NEGATIVE_INFINITY) {
            return hi;
        }
        return hi + Math.log1p(Math.exp(lo - hi));
    }

    /**
     * {@code log(exp(a) - exp(b))} for {@code a >= b}; {@code -Infinity} when they are equal. Returns
     * NaN when {@code a < b}: the caller decides whether a negative difference is a bug.
     */
    static double sub(double a, double b) {
        if (a < b) {
            return Double.NaN;
        }
        if (b == Double.NEGATIVE_INFINITY) {
            return a;
        }
        if (a == b) {
            return Double.NEGATIVE_INFINITY;
        }
        // exp(a) - exp(b) = exp(a) * (1 - exp(b - a)); log1p(-x) keeps the digits when b << a.
        return a + Math.log1p(-Math.exp(b - a));
    }
}
