package dev.kiln.ir.gen;

/**
 * A closed interval holding every element a value can take, for the generator's numeric safety:
 * a program only uses {@code log} on values known positive, divides by values known non-zero, and
 * never lets a float grow past {@link #LIMIT}, so the interpreter and every backend compute finite
 * numbers that can be compared. Booleans are {@code [0, 1]}.
 */
record Range(double lo, double hi) {
    /** The largest float magnitude a generated program may produce. */
    static final double LIMIT = 1e6;
    static final Range UNKNOWN = new Range(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    static final Range INT = new Range(Integer.MIN_VALUE, Integer.MAX_VALUE);
    static final Range UNIT = new Range(-1, 1);
    static final Range BOOL = new Range(0, 1);

    Range {
        if (Double.isNaN(lo) || Double.isNaN(hi)) {
            lo = Double.NEGATIVE_INFINITY;
            hi = Double.POSITIVE_INFINITY;
        }
    }

    static Range point(double v) {
        return new Range(v, v);
    }

    static Range of(double a, double b, double... more) {
        double lo = Math.min(a, b);
        double hi = Math.max(a, b);
        for (double m : more) {
            lo = Math.min(lo, m);
            hi = Math.max(hi, m);
        }
        return new Range(lo, hi);
    }

    double magnitude() {
        return Math.max(Math.abs(lo), Math.abs(hi));
    }

    boolean isFinite() {
        return Double.isFinite(lo) && Double.isFinite(hi);
    }

    /** Whether a float value in this range is safe to compute with. */
    boolean isSafe() {
        return isFinite() && magnitude() <= LIMIT;
    }

    boolean contains(double v) {
        return lo <= v && v <= hi;
    }

    boolean within(double from, double to) {
        return from <= lo && hi <= to;
    }

    Range hull(Range o) {
        return new Range(Math.min(lo, o.lo), Math.max(hi, o.hi));
    }

    Range withZero() {
        return hull(point(0));
    }

    Range plus(Range o) {
        return new Range(lo + o.lo, hi + o.hi);
    }

    Range minus(Range o) {
        return new Range(lo - o.hi, hi - o.lo);
    }

    Range times(Range o) {
        if (!isFinite() || !o.isFinite()) {
            return UNKNOWN;
        }
        return of(lo * o.lo, lo * o.hi, hi * o.lo, hi * o.hi);
    }

    /** The range of a sum of {@code n} values from this range. */
    Range sumOf(long n) {
        return n == 0 ? point(0) : new Range(lo * n, hi * n);
    }

    /** As an i32 result: anything that may overflow may wrap to any int. */
    Range asInt() {
        return within(Integer.MIN_VALUE, Integer.MAX_VALUE) ? this : INT;
    }
}
