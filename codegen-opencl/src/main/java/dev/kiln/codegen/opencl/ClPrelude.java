package dev.kiln.codegen.opencl;

/**
 * Helper functions every generated program starts with: the scalar operations whose Kiln
 * semantics (those of the reference interpreter, after XLA) differ from OpenCL C's built-ins.
 * {@code max}/{@code min} propagate NaN and order -0.0 below 0.0; integer division by zero gives
 * -1 and its remainder the dividend; {@code INT_MIN / -1} wraps; {@code sign} keeps zeros and NaN;
 * the logistic function never overflows; {@code pow(1, NaN)} and {@code pow(-1, inf)} are NaN, as in Java. Floating-point helpers exist per float type; the f64 ones
 * only when the device has {@code cl_khr_fp64}.
 */
final class ClPrelude {
    private ClPrelude() {
    }

    static String text(boolean fp64) {
        StringBuilder sb = new StringBuilder();
        sb.append("// Kiln OpenCL program\n");
        if (fp64) {
            sb.append("#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n");
        }
        sb.append(INT_HELPERS);
        sb.append(floatHelpers("float", "f32"));
        if (fp64) {
            sb.append(floatHelpers("double", "f64"));
        }
        sb.append(THREEFRY);
        return sb.toString();
    }

    private static final String INT_HELPERS = """
            inline int kiln_div_i32(int a, int b) { return b == 0 ? -1 : (b == -1 ? (int)(0u - (uint)a) : a / b); }
            inline int kiln_rem_i32(int a, int b) { return b == 0 ? a : (b == -1 ? 0 : a % b); }
            inline int kiln_neg_i32(int a) { return (int)(0u - (uint)a); }
            inline int kiln_abs_i32(int a) { return a < 0 ? (int)(0u - (uint)a) : a; }
            inline int kiln_sign_i32(int a) { return a > 0 ? 1 : (a < 0 ? -1 : 0); }
            inline int kiln_floordiv(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
            inline int kiln_ceildiv(int a, int b) { return -kiln_floordiv(-a, b); }
            inline bool kiln_argmax_takes_i32(int b, int ib, int a, int ia) { return b > a || (b == a && ib < ia); }
            """;

    private static String floatHelpers(String t, String s) {
        return """
                inline T kiln_max_S(T a, T b) { if (isnan(a) || isnan(b)) return a + b; if (a == b) return signbit(a) ? b : a; return a > b ? a : b; }
                inline T kiln_min_S(T a, T b) { if (isnan(a) || isnan(b)) return a + b; if (a == b) return signbit(a) ? a : b; return a < b ? a : b; }
                inline T kiln_sign_S(T x) { return (isnan(x) || x == (T)0) ? x : copysign((T)1, x); }
                inline T kiln_logistic_S(T x) { if (x >= (T)0) return (T)1 / ((T)1 + exp(-x)); T e = exp(x); return e / ((T)1 + e); }
                inline T kiln_pow_S(T x, T y) { return (isnan(y) || (fabs(x) == (T)1 && isinf(y))) ? (T)NAN : pow(x, y); }
                inline int kiln_to_i32_S(T x) { return isnan(x) ? 0 : (x >= (T)2147483647 ? 2147483647 : (x <= (T)(-2147483648.0) ? (-2147483647 - 1) : (int)x)); }
                inline bool kiln_argmax_takes_S(T b, int ib, T a, int ia) {
                    bool an = isnan(a), bn = isnan(b);
                    if (an != bn) return bn;
                    if (an) return ib < ia;
                    return b > a || (b == a && ib < ia);
                }
                """.replace("T", t).replace("_S", "_" + s);
    }

    /** Threefry-2x32, 20 rounds: bit for bit {@code dev.kiln.ir.random.Threefry}. */
    private static final String THREEFRY = """
            inline uint2 kiln_threefry(uint k0, uint k1, uint c0, uint c1) {
                uint k2 = k0 ^ k1 ^ 0x1BD11BDAu;
                uint ks[3] = {k0, k1, k2};
                uint x0 = c0 + k0, x1 = c1 + k1;
                const uint rot[8] = {13u, 15u, 26u, 6u, 17u, 29u, 16u, 24u};
                for (int g = 0; g < 5; g++) {
                    for (int r = 0; r < 4; r++) {
                        x0 += x1;
                        x1 = rotate(x1, rot[(g & 1) * 4 + r]);
                        x1 ^= x0;
                    }
                    x0 += ks[(g + 1) % 3];
                    x1 += ks[(g + 2) % 3] + (uint)(g + 1);
                }
                return (uint2)(x0, x1);
            }
            """;
}
