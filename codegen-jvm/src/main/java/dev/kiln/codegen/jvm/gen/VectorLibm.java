package dev.kiln.codegen.jvm.gen;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Exp, log, sin and cos on f64 lanes built only from exactly specified lane operations (add,
 * mul, fma, div, compare/blend, bit casts and shifts), so that the Vector API's Java fallback
 * (what runs before C2 compiles a kernel) and its C2 intrinsics give the same bits. The
 * {@code lanewise(EXP)}-style operators do not: C2 calls SVML, the fallback calls
 * {@code Math.exp} per lane, and the two differ by an ulp now and then.
 *
 * <p>These cores serve f32 functions computed in f64 and rounded once, so they handle only the
 * argument ranges f32 inputs produce (callers clamp or blend the rest) and aim at an error of a few
 * f64 ulps: far below an f32 ulp, so the rounded result is the correctly rounded f32 value but
 * for the rare argument whose exact value lies within that error of a rounding boundary.
 * Polynomials are Taylor series evaluated by Horner's rule with fma, long enough that their
 * truncation error is below 1e-16 relative on the reduced range.
 */
final class VectorLibm {
    static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;

    /** Adding 1.5*2^52 rounds a double below 2^51 in magnitude to an integer in the low mantissa bits. */
    private static final double ROUNDER = 0x1.8p52;
    private static final double LOG2E = 1.4426950408889634;
    /** ln 2 split so that {@code n * LN2_HI} is exact for |n| < 2^11 (fdlibm's split). */
    private static final double LN2_HI = 6.93147180369123816490e-01;
    private static final double LN2_LO = 1.90821492927058770002e-10;
    private static final double LN2 = 0.6931471805599453;
    private static final double TWO_OVER_PI = 0.6366197723675814;
    /** pi/2 in three parts (159 bits in all) for Cody-Waite reduction. */
    private static final double PIO2_1 = 1.5707963267948966;
    private static final double PIO2_2 = 6.123233995736766e-17;
    private static final double PIO2_3 = -1.4973849048591698e-33;
    /** The bits of a double just below sqrt(1/2): log's reduction puts the mantissa in [sqrt(1/2), sqrt(2)). */
    private static final long SQRT_HALF_BITS = 0x3fe6a09e667f3bcdL;
    private static final long EXPONENT_MASK = 0xfff0000000000000L;
    private static final long SIGN = 0x8000000000000000L;

    private static final double[] EXP_TAYLOR = taylor(13, 0);
    private static final double[] SIN_TAYLOR = oddTaylor(15);
    private static final double[] COS_TAYLOR = evenTaylor(16);

    private VectorLibm() {
    }

    /**
     * e^x for x in about [-700, 700] (callers clamp; NaN gives NaN): x = n ln2 + r with |r| <=
     * ln2/2, e^r by its Taylor series to r^13, times 2^n made from bits.
     */
    static DoubleVector exp(DoubleVector x) {
        DoubleVector t = x.fma(LOG2E, ROUNDER);
        DoubleVector n = t.sub(ROUNDER);
        DoubleVector r = n.neg().fma(c(LN2_HI), x);
        r = n.neg().fma(c(LN2_LO), r);
        DoubleVector p = horner(r, EXP_TAYLOR);
        // t's bits are those of 1.5*2^52 plus n; shifted up by 52, only n + 1023 survives: 2^n.
        LongVector bits = t.reinterpretAsLongs().add(1023L).lanewise(VectorOperators.LSHL, 52);
        return p.mul(bits.reinterpretAsDoubles());
    }

    /**
     * ln x for every double x: x = 2^k m with m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh(s) with
     * s = (m-1)/(m+1) by its series to s^19; 0 gives -inf, +inf itself, negatives and NaN NaN.
     */
    static DoubleVector log(DoubleVector x) {
        LongVector bits = x.reinterpretAsLongs();
        LongVector shifted = bits.sub(SQRT_HALF_BITS);
        LongVector k = shifted.lanewise(VectorOperators.ASHR, 52);
        DoubleVector m = bits.sub(shifted.and(EXPONENT_MASK)).reinterpretAsDoubles();
        DoubleVector f = m.sub(1.0);
        DoubleVector s = f.div(f.add(2.0));
        DoubleVector z = s.mul(s);
        DoubleVector w = s.add(s);
        DoubleVector q = horner(z, ATANH_SERIES);
        DoubleVector lnM = w.mul(z).fma(q, w);
        DoubleVector kd = (DoubleVector) k.convert(VectorOperators.L2D, 0);
        DoubleVector result = kd.fma(c(LN2), lnM);
        result = result.blend(Double.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0.0));
        result = result.blend(Double.POSITIVE_INFINITY, x.compare(VectorOperators.EQ, Double.POSITIVE_INFINITY));
        VectorMask<Double> invalid = x.compare(VectorOperators.LT, 0.0).or(x.test(VectorOperators.IS_NAN));
        return result.blend(Double.NaN, invalid);
    }

    /** 1/3, 1/5, ..., 1/19: atanh(s)/s = sum z^j/(2j+1) with z = s^2 (the leading 1 is added apart). */
    private static final double[] ATANH_SERIES = atanhSeries(9);

    /**
     * sin x ({@code cosine} false) or cos x for |x| below {@link #TRIG_LIMIT} (beyond it the result
     * is wrong; callers substitute Math.sin/cos there); +-inf and NaN give NaN.
     */
    static DoubleVector sinCos(DoubleVector x, boolean cosine) {
        DoubleVector a = x.abs();
        DoubleVector t = a.fma(TWO_OVER_PI, ROUNDER);
        DoubleVector n = t.sub(ROUNDER);
        // a - n*PIO2_1 is exact (a is an f32 value, n*PIO2_1 a multiple of 2^-52, their difference below 2).
        DoubleVector r = n.neg().fma(c(PIO2_1), a);
        r = n.neg().fma(c(PIO2_2), r);
        r = n.neg().fma(c(PIO2_3), r);
        DoubleVector z = r.mul(r);
        DoubleVector sin = horner(z, SIN_TAYLOR).mul(z).fma(r, r);
        DoubleVector cos = horner(z, COS_TAYLOR);
        // The quadrant n mod 4 is in t's low bits; cos x = sin(|x| + pi/2).
        LongVector quadrant = t.reinterpretAsLongs().add(cosine ? 1L : 0L);
        VectorMask<Double> swap = quadrant.and(1L).compare(VectorOperators.NE, 0L).cast(DS);
        LongVector negate = quadrant.and(2L).lanewise(VectorOperators.LSHL, 62);
        if (!cosine) {
            negate = negate.lanewise(VectorOperators.XOR, x.reinterpretAsLongs().and(SIGN));
        }
        DoubleVector v = sin.blend(cos, swap);
        return v.reinterpretAsLongs().lanewise(VectorOperators.XOR, negate).reinterpretAsDoubles();
    }

    /** Where {@link #sinCos} stops being accurate for f32 arguments (n*PIO2_2's error grows with n). */
    static final double TRIG_LIMIT = 0x1p18;

    private static DoubleVector c(double v) {
        return DoubleVector.broadcast(DS, v);
    }

    /** The sum of {@code c[i] * x^i} by Horner's rule with fma. */
    static DoubleVector horner(DoubleVector x, double[] c) {
        DoubleVector p = DoubleVector.broadcast(DS, c[c.length - 1]);
        for (int i = c.length - 2; i >= 0; i--) {
            p = p.fma(x, DoubleVector.broadcast(DS, c[i]));
        }
        return p;
    }

    /** The sum of {@code c[i] * x^i} by Horner's rule with fma, on f32 lanes. */
    static FloatVector horner(FloatVector x, float[] c) {
        FloatVector p = FloatVector.broadcast(x.species(), c[c.length - 1]);
        for (int i = c.length - 2; i >= 0; i--) {
            p = p.fma(x, FloatVector.broadcast(x.species(), c[i]));
        }
        return p;
    }

    /** 1/(from)!, 1/(from+1)!, ..., 1/degree!. */
    private static double[] taylor(int degree, int from) {
        double[] c = new double[degree - from + 1];
        for (int i = from; i <= degree; i++) {
            c[i - from] = 1.0 / factorial(i);
        }
        return c;
    }

    /** The coefficients of z^j in (sin r - r)/r^3 as a series in z = r^2: -1/3!, 1/5!, ... up to r^degree. */
    private static double[] oddTaylor(int degree) {
        double[] c = new double[(degree - 1) / 2];
        for (int j = 0; j < c.length; j++) {
            c[j] = (j % 2 == 0 ? -1.0 : 1.0) / factorial(2 * j + 3);
        }
        return c;
    }

    /** The coefficients of z^j in cos r as a series in z = r^2, up to r^degree. */
    private static double[] evenTaylor(int degree) {
        double[] c = new double[degree / 2 + 1];
        for (int j = 0; j < c.length; j++) {
            c[j] = (j % 2 == 0 ? 1.0 : -1.0) / factorial(2 * j);
        }
        return c;
    }

    private static double[] atanhSeries(int terms) {
        double[] c = new double[terms];
        for (int j = 0; j < terms; j++) {
            c[j] = 1.0 / (2 * j + 3);
        }
        return c;
    }

    /** n! as a double: exact for n <= 18, correctly rounded up to 22, far more than needed here. */
    private static double factorial(int n) {
        java.math.BigInteger f = java.math.BigInteger.ONE;
        for (int i = 2; i <= n; i++) {
            f = f.multiply(java.math.BigInteger.valueOf(i));
        }
        return f.doubleValue();
    }
}
