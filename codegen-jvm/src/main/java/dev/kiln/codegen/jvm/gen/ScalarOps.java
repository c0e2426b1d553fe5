package dev.kiln.codegen.jvm.gen;

/**
 * Scalar operations the generated code calls where no single bytecode has the IR's semantics
 * (those of the reference interpreter): floating-point functions are evaluated in double and
 * rounded once, integer division by zero gives -1 and its remainder the dividend, round is half
 * away from zero. HotSpot inlines these.
 */
public final class ScalarOps {
    private ScalarOps() {
    }

    public static double logistic(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    public static double rsqrt(double x) {
        return 1.0 / Math.sqrt(x);
    }

    public static double round(double x) {
        double a = Math.abs(x);
        double t = Math.floor(a);
        if (a - t >= 0.5) {
            t += 1;
        }
        return Math.copySign(t, x);
    }

    public static int div(int x, int y) {
        return y == 0 ? -1 : x / y;
    }

    public static int rem(int x, int y) {
        return y == 0 ? x : x % y;
    }

    /** Whether {@code v} replaces {@code best} as the running first maximum (NaN wins, once). */
    public static boolean argmaxTakes(double v, double best) {
        return v > best || (v != v && best == best);
    }
}
