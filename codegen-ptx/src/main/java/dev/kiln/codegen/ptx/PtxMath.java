package dev.kiln.codegen.ptx;

/**
 * Floating-point functions PTX does not have, written out in PTX: exp, log, log1p, expm1, tanh,
 * logistic, sin, cos, pow, fmod, with Java's (the reference interpreter's) special cases. PTX
 * offers only approximate f32 exp2/log2/sin/cos and nothing for f64, so every function reduces its
 * argument and evaluates a polynomial in the working precision: exp and expm1 by Cody-Waite
 * reduction to |r| <= ln2/2 and a Taylor polynomial, log through the atanh series of
 * {@code (m-1)/(m+1)}, tanh and log1p from expm1 and log; fmod exactly, by scaled subtractions.
 * sin, cos, pow and fmod of f32 are computed in f64 and rounded once. Within a few ulps of the
 * correctly rounded result, except sin and cos beyond |x| ~ 1.6e6, where the argument reduction
 * loses accuracy, and pow of huge results (the error grows with |y log x|). Arithmetic uses round-to-nearest forms ({@code add.rn}) so that ptxas does not
 * contract it into fused multiply-adds other than the ones written here.
 */
final class PtxMath {
    private final PtxBuilder b;

    PtxMath(PtxBuilder b) {
        this.b = b;
    }

    // ---- arithmetic helpers ----

    private static String s(PtxType t) {
        return t.decl;
    }

    Reg add(PtxType t, Object x, Object y) {
        return b.bin(t, "add.rn." + s(t), x, y);
    }

    Reg sub(PtxType t, Object x, Object y) {
        return b.bin(t, "sub.rn." + s(t), x, y);
    }

    Reg mul(PtxType t, Object x, Object y) {
        return b.bin(t, "mul.rn." + s(t), x, y);
    }

    Reg fma(PtxType t, Object x, Object y, Object z) {
        return b.tern(t, "fma.rn." + s(t), x, y, z);
    }

    Reg div(PtxType t, Object x, Object y) {
        return b.bin(t, "div.rn." + s(t), x, y);
    }

    Reg abs(PtxType t, Object x) {
        return b.un(t, "abs." + s(t), x);
    }

    Reg neg(PtxType t, Object x) {
        return b.un(t, "neg." + s(t), x);
    }

    /** {@code |mag|} with the sign of {@code sign}. */
    Reg copysign(PtxType t, Object sign, Object mag) {
        return b.bin(t, "copysign." + s(t), sign, mag);
    }

    Reg isNan(PtxType t, Object x) {
        return b.setp("nan." + s(t), x, x);
    }

    Reg imm(PtxType t, double v) {
        return b.mov(t, PtxBuilder.fimm(t, v));
    }

    private String c(PtxType t, double v) {
        return PtxBuilder.fimm(t, v);
    }

    /** {@code sum c[i] x^i} by Horner's rule. */
    private Reg poly(PtxType t, Reg x, double... coefficients) {
        Reg acc = imm(t, coefficients[coefficients.length - 1]);
        for (int i = coefficients.length - 2; i >= 0; i--) {
            acc = fma(t, acc, x, c(t, coefficients[i]));
        }
        return acc;
    }

    private static double[] taylorExp(int terms, int first) {
        double[] cs = new double[terms];
        double f = 1;
        for (int i = 1; i <= first; i++) {
            f *= i;
        }
        for (int i = 0; i < terms; i++) {
            cs[i] = 1 / f;
            f *= first + i + 1;
        }
        return cs;
    }

    /** {@code x * 2^n} for an s32 {@code n} in the exponent range of exp's results (two exact scalings). */
    Reg ldexp(PtxType t, Reg x, Reg n) {
        Reg half = b.bin(PtxType.B32, "shr.s32", n, 1);
        Reg rest = b.bin(PtxType.B32, "sub.s32", n, half);
        return mul(t, mul(t, x, pow2(t, half)), pow2(t, rest));
    }

    /** {@code 2^k} for a normal exponent k, built from its bits. */
    private Reg pow2(PtxType t, Reg k) {
        if (t == PtxType.F32) {
            Reg bits = b.bin(PtxType.B32, "shl.b32", b.addInt(k, 127), 23);
            return b.un(PtxType.F32, "mov.b32", bits);
        }
        Reg wide = b.un(PtxType.B64, "cvt.s64.s32", k);
        Reg bits = b.bin(PtxType.B64, "shl.b64", b.bin(PtxType.B64, "add.s64", wide, 1023), 52);
        return b.un(PtxType.F64, "mov.b64", bits);
    }

    private Reg toInt(PtxType t, Reg integral) {
        return b.un(PtxType.B32, "cvt.rzi.s32." + s(t), integral);
    }

    private Reg rint(PtxType t, Reg x) {
        return b.un(t, "cvt.rni." + s(t) + "." + s(t), x);
    }

    private Reg f64(PtxType t, Reg x) {
        return t == PtxType.F64 ? x : b.un(PtxType.F64, "cvt.f64.f32", x);
    }

    private Reg back(PtxType t, Reg x64) {
        return t == PtxType.F64 ? x64 : b.un(PtxType.F32, "cvt.rn.f32.f64", x64);
    }

    // ---- exp family ----

    Reg exp(PtxType t, Reg x) {
        boolean d = t == PtxType.F64;
        double hi = d ? 6.93147180369123816490e-01 : 0.693359375;
        double lo = d ? 1.90821492927058770002e-10 : -2.12194440e-4;
        Reg k = rint(t, mul(t, x, c(t, 1.4426950408889634)));
        Reg r = fma(t, neg(t, k), c(t, hi), x);
        r = fma(t, neg(t, k), c(t, lo), r);
        Reg p = poly(t, r, taylorExp(d ? 14 : 8, 0));
        Reg kInt = toInt(t, b.bin(t, "min." + s(t), b.bin(t, "max." + s(t), k, c(t, -2000)), c(t, 2000)));
        Reg y = ldexp(t, p, kInt);
        y = b.selp(t, c(t, Double.POSITIVE_INFINITY), y, b.setp("gt." + s(t), x, c(t, d ? 709.782712893384 : 88.72283)));
        y = b.selp(t, c(t, 0), y, b.setp("lt." + s(t), x, c(t, d ? -745.1332191019412 : -103.97208)));
        return b.selp(t, x, y, isNan(t, x));
    }

    Reg expm1(PtxType t, Reg x) {
        boolean d = t == PtxType.F64;
        double[] tail = taylorExp(d ? 17 : 9, 1); // 1/1!, 1/2!, ...: expm1(x) = x * (1 + x/2! + x^2/3! + ...)
        Reg small = mul(t, x, poly(t, x, tail));
        Reg large = sub(t, exp(t, x), c(t, 1));
        return b.selp(t, small, large, b.setp("lt." + s(t), abs(t, x), c(t, 0.34657359027997264)));
    }

    Reg tanh(PtxType t, Reg x) {
        Reg a = abs(t, x);
        Reg e = expm1(t, add(t, a, a));
        Reg th = div(t, e, add(t, e, c(t, 2)));
        th = b.selp(t, c(t, 1), th, b.setp("gt." + s(t), a, c(t, t == PtxType.F64 ? 22 : 9.1)));
        return copysign(t, x, th);
    }

    /** {@code 1 / (1 + e^-x)}, as the interpreter computes it on each side of 0. */
    Reg logistic(PtxType t, Reg x) {
        Reg e = exp(t, neg(t, abs(t, x)));
        Reg onePlus = add(t, c(t, 1), e);
        Reg pos = div(t, c(t, 1), onePlus), negative = div(t, e, onePlus);
        return b.selp(t, pos, negative, b.setp("ge." + s(t), x, c(t, 0)));
    }

    // ---- log family ----

    Reg log(PtxType t, Reg x) {
        boolean d = t == PtxType.F64;
        // Subnormals: scale into the normal range first.
        Reg tiny = b.setp("lt." + s(t), x, c(t, d ? Double.MIN_NORMAL : Float.MIN_NORMAL));
        Reg scaled = b.selp(t, mul(t, x, c(t, d ? 0x1p54 : 0x1p24)), x, tiny);
        Reg eAdjust = b.selp(PtxType.B32, d ? -54 : -24, 0, tiny);
        Reg e;
        Reg m;
        if (d) {
            Reg bits = b.un(PtxType.B64, "mov.b64", scaled);
            Reg exp64 = b.bin(PtxType.B64, "and.b64", b.bin(PtxType.B64, "shr.u64", bits, 52), 0x7ff);
            e = b.bin(PtxType.B32, "sub.s32", b.un(PtxType.B32, "cvt.u32.u64", exp64), 1023);
            Reg mant = b.bin(PtxType.B64, "or.b64", b.bin(PtxType.B64, "and.b64", bits, "0x000FFFFFFFFFFFFF"), "0x3FF0000000000000");
            m = b.un(PtxType.F64, "mov.b64", mant);
        } else {
            Reg bits = b.un(PtxType.B32, "mov.b32", scaled);
            e = b.bin(PtxType.B32, "sub.s32", b.bin(PtxType.B32, "and.b32", b.bin(PtxType.B32, "shr.u32", bits, 23), 0xff), 127);
            Reg mant = b.bin(PtxType.B32, "or.b32", b.bin(PtxType.B32, "and.b32", bits, "0x007FFFFF"), "0x3F800000");
            m = b.un(PtxType.F32, "mov.b32", mant);
        }
        e = b.addInt(e, eAdjust);
        // m in [1, 2): fold into [sqrt(1/2), sqrt(2)).
        Reg big = b.setp("gt." + s(t), m, c(t, 1.4142135623730951));
        m = b.selp(t, mul(t, m, c(t, 0.5)), m, big);
        e = b.selp(PtxType.B32, b.addInt(e, 1), e, big);
        Reg f = sub(t, m, c(t, 1));
        Reg sv = div(t, f, add(t, f, c(t, 2)));
        Reg z = mul(t, sv, sv);
        int terms = d ? 11 : 5;
        double[] cs = new double[terms];
        for (int i = 0; i < terms; i++) {
            cs[i] = 2.0 / (2 * i + 3);
        }
        Reg series = mul(t, z, poly(t, z, cs)); // 2/3 z + 2/5 z^2 + ...
        Reg log1pf = fma(t, sv, series, add(t, sv, sv)); // 2s + s * series
        Reg ef = b.un(t, "cvt.rn." + s(t) + ".s32", e);
        Reg y = fma(t, ef, c(t, d ? 6.93147180369123816490e-01 : 0.693359375),
                fma(t, ef, c(t, d ? 1.90821492927058770002e-10 : -2.12194440e-4), log1pf));
        // Special values: log(0) = -inf, log(inf) = inf, log(negative or NaN) = NaN.
        y = b.selp(t, c(t, Double.NEGATIVE_INFINITY), y, b.setp("eq." + s(t), x, c(t, 0)));
        y = b.selp(t, c(t, Double.POSITIVE_INFINITY), y, b.setp("eq." + s(t), x, c(t, Double.POSITIVE_INFINITY)));
        return b.selp(t, c(t, Double.NaN), y, b.setp("ltu." + s(t), x, c(t, 0)));
    }

    Reg log1p(PtxType t, Reg x) {
        Reg u = add(t, x, c(t, 1));
        Reg viaLog = mul(t, log(t, u), div(t, x, sub(t, u, c(t, 1))));
        Reg y = b.selp(t, x, viaLog, b.setp("eq." + s(t), u, c(t, 1)));
        return b.selp(t, c(t, Double.POSITIVE_INFINITY), y, b.setp("eq." + s(t), u, c(t, Double.POSITIVE_INFINITY)));
    }

    // ---- trigonometry (in f64) ----

    Reg sin(PtxType t, Reg x) {
        return back(t, trig(f64(t, x), false));
    }

    Reg cos(PtxType t, Reg x) {
        return back(t, trig(f64(t, x), true));
    }

    private Reg trig(Reg x, boolean cosine) {
        PtxType t = PtxType.F64;
        Reg k = rint(t, mul(t, x, c(t, 0.63661977236758134308)));
        Reg r = fma(t, neg(t, k), c(t, 1.57079632673412561417e+00), x);
        r = fma(t, neg(t, k), c(t, 6.07710050630396597660e-11), r);
        r = fma(t, neg(t, k), c(t, 2.02226624871116645580e-21), r);
        Reg z = mul(t, r, r);
        double[] sc = new double[9], cc = new double[10];
        double f = 1;
        for (int i = 0; i < 9; i++) { // sin r = r * sum (-1)^i z^i / (2i+1)!
            sc[i] = (i % 2 == 0 ? 1 : -1) / f;
            f *= (2 * i + 2) * (2 * i + 3);
        }
        f = 1;
        for (int i = 0; i < 10; i++) { // cos r = sum (-1)^i z^i / (2i)!
            cc[i] = (i % 2 == 0 ? 1 : -1) / f;
            f *= (2 * i + 1) * (2 * i + 2);
        }
        Reg sinR = mul(t, r, poly(t, z, sc)), cosR = poly(t, z, cc);
        // The quadrant k mod 4 (k may be huge or non-finite: only its low bits matter).
        Reg kMod = b.un(t, "cvt.rzi.f64.f64", b.tern(t, "fma.rn.f64", b.un(t, "cvt.rmi.f64.f64", mul(t, k, c(t, 0.25))), c(t, -4), k));
        Reg q = toInt(t, kMod);
        if (cosine) {
            q = b.addInt(q, 1);
        }
        Reg q2 = b.bin(PtxType.B32, "and.b32", q, 3);
        Reg odd = b.setp("ne.s32", b.bin(PtxType.B32, "and.b32", q2, 1), 0);
        Reg negate = b.setp("ne.s32", b.bin(PtxType.B32, "and.b32", q2, 2), 0);
        Reg v = b.selp(t, cosR, sinR, odd);
        return b.selp(t, neg(t, v), v, negate);
    }

    // ---- pow and fmod (in f64) ----

    Reg pow(PtxType t, Reg a0, Reg b0) {
        PtxType d = PtxType.F64;
        Reg a = f64(t, a0), e = f64(t, b0);
        Reg res = exp(d, mul(d, e, log(d, abs(d, a))));
        Reg integral = b.setp("eq.f64", rint(d, e), e);
        Reg halfE = mul(d, e, c(d, 0.5));
        Reg odd = b.and(integral, b.setp("neu.f64", rint(d, halfE), halfE));
        Reg signBit = b.setp("lt.s64", b.un(PtxType.B64, "mov.b64", a), 0);
        res = b.selp(d, neg(d, res), res, b.and(signBit, odd));
        Reg finiteA = b.setp("lt.f64", abs(d, a), c(d, Double.POSITIVE_INFINITY));
        Reg finiteE = b.setp("lt.f64", abs(d, e), c(d, Double.POSITIVE_INFINITY));
        Reg negativeBase = b.and(b.setp("lt.f64", a, c(d, 0)), finiteA);
        Reg nan = b.and(b.and(negativeBase, finiteE), b.not(integral));
        res = b.selp(d, c(d, Double.NaN), res, nan);
        res = b.selp(d, c(d, 1), res, b.setp("eq.f64", e, c(d, 0)));
        return back(t, res);
    }

    /**
     * C's fmod (Java's {@code %}): the sign of the dividend, computed exactly whatever the quotient
     * by subtracting the divisor scaled by powers of two, largest first (each subtraction is exact).
     */
    Reg fmod(PtxType t, Reg a0, Reg b0) {
        PtxType d = PtxType.F64;
        Reg a = f64(t, a0), m0 = f64(t, b0);
        Reg inf = imm(d, Double.POSITIVE_INFINITY);
        Reg finiteA = b.setp("lt.f64", abs(d, a), inf), finiteB = b.setp("lt.f64", abs(d, m0), inf);
        Reg valid = b.and(b.and(finiteA, finiteB), b.setp("ne.f64", m0, c(d, 0)));
        Reg r = b.selp(d, abs(d, a), c(d, 0), valid);
        Reg m = b.selp(d, abs(d, m0), c(d, 1), valid);
        b.whileLoop(() -> b.setp("ge.f64", r, m), () -> {
            Reg e = b.bin(PtxType.B32, "sub.s32", exponent(r), exponent(m));
            Reg third = b.bin(PtxType.B32, "div.s32", e, 3);
            Reg rest = b.bin(PtxType.B32, "sub.s32", e, b.mulInt(third, 2));
            Reg scaled = mul(d, mul(d, mul(d, m, pow2(d, third)), pow2(d, third)), pow2(d, rest));
            scaled = b.selp(d, mul(d, scaled, c(d, 0.5)), scaled, b.setp("gt.f64", scaled, r));
            b.set(r, sub(d, r, scaled).toString());
        });
        Reg res = copysign(d, a, r);
        // Not finite or zero divisor: NaN, except a finite dividend over an infinite divisor, which is the dividend.
        Reg special = b.selp(d, a, c(d, Double.NaN), b.and(b.and(finiteA, b.not(finiteB)), b.not(isNan(d, m0))));
        return back(t, b.selp(d, res, special, valid));
    }

    /** The biased exponent field of a normal f64 (what the scaling in fmod needs). */
    private Reg exponent(Reg x) {
        Reg bits = b.un(PtxType.B64, "mov.b64", x);
        return b.un(PtxType.B32, "cvt.u32.u64", b.bin(PtxType.B64, "and.b64", b.bin(PtxType.B64, "shr.u64", bits, 52), 0x7ff));
    }

    // ---- rounding and selection ----

    /** XLA's round: halves away from zero. */
    Reg round(PtxType t, Reg x) {
        Reg a = abs(t, x);
        Reg fl = b.un(t, "cvt.rmi." + s(t) + "." + s(t), a);
        Reg up = b.setp("ge." + s(t), sub(t, a, fl), c(t, 0.5));
        return copysign(t, x, b.selp(t, add(t, fl, c(t, 1)), fl, up));
    }

    /** -1, 1, or x itself for zeros and NaN. */
    Reg sign(PtxType t, Reg x) {
        Reg keep = b.or(b.setp("eq." + s(t), x, c(t, 0)), isNan(t, x));
        return b.selp(t, x, copysign(t, x, c(t, 1)), keep);
    }

    /** Java's max/min: NaN propagates, -0.0 orders below 0.0. */
    Reg maxMin(PtxType t, Reg x, Reg y, boolean max) {
        Reg m = b.bin(t, (max ? "max." : "min.") + s(t), x, y);
        PtxType bits = t == PtxType.F64 ? PtxType.B64 : PtxType.B32;
        String w = t == PtxType.F64 ? "b64" : "b32";
        Reg xb = b.un(bits, "mov." + w, x), yb = b.un(bits, "mov." + w, y);
        // Equal values (the zeros of either sign among them): AND of the bits is the max, OR the min.
        Reg joined = b.un(t, "mov." + w, b.bin(bits, (max ? "and." : "or.") + w, xb, yb));
        m = b.selp(t, joined, m, b.setp("eq." + s(t), x, y));
        Reg nan = b.setp("nan." + s(t), x, y);
        return b.selp(t, add(t, x, y), m, nan);
    }
}
