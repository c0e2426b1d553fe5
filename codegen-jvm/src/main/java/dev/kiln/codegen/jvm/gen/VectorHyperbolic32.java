package dev.kiln.codegen.jvm.gen;

import static dev.kiln.codegen.jvm.gen.VectorExp32.pow2;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * e^x - 1, the logistic function and tanh on f32 lanes, from exactly specified lane operations
 * (see {@link VectorMath}), small enough for C2 to inline into a kernel. All three share
 * {@link VectorExp32}'s reduction x = n ln 2 + r and its polynomial, but keep e^r - 1 as the
 * exact part {@code r1 = x - n LN2_HIGH} plus a small tail, and e^x = 2^n (1 + p) as a rounded
 * value plus its exact rounding error: the last ulp is what the logistic's gradient
 * {@code s(1-s)} and tanh near 1 are sensitive to.
 *
 * <p>With e = e^-|x|, the logistic is 1/(1+e) for x >= 0 and e/(1+e) below, and tanh|x| =
 * (1-e)/(1+e) for e = e^-2|x| from |x| = 0.3 on (Cephes' {@code tanhf} polynomial below, where
 * it is the more accurate); each quotient is the quotient of rounded parts plus one correction
 * step, so tiny logistic values keep their relative accuracy and values near 1 round once, to 1
 * exactly where the rounded f64 value is 1. On every 97th f32 bit pattern all three are within 1
 * ulp of the rounded f64 result ({@code (float) Math.expm1}, {@code Math.tanh}, the interpreter's
 * logistic) and equal to it on all but 0.11%, 0.05% and 0.03% of them ({@code VectorMathTest}).
 */
final class VectorHyperbolic32 {
    /** Below this e^x - 1 rounds to -1 (e^x < 2^-25). */
    private static final float EXPM1_LOW = -17.5f;
    /** Below this e^x (< 2^-150) rounds to 0 even as a subnormal. */
    private static final float LOGISTIC_LOW = -104f;
    /** tanh rounds to 1 beyond 9.02; the clamp keeps e^(-2|x|) a normal number. */
    private static final float TANH_SATURATED = 10f;
    private static final float TANH_POLYNOMIAL = 0.3f;
    private static final float[] TANH_P = {
        -3.33332819422E-1f, 1.33314422036E-1f, -5.37397155531E-2f, 2.06390887954E-2f, -5.70498872745E-3f,
    };

    private VectorHyperbolic32() {
    }

    static FloatVector expm1(FloatVector x) {
        FloatVector xc = x.max(EXPM1_LOW).min(VectorExp32.HIGH);
        // n >= -24 keeps 2^n - 1 exact; where that leaves |r| up to 0.86, 2^n e^r is far below
        // an ulp of -1 and the polynomial's larger error there does not show.
        FloatVector n = round(xc).max(-24f);
        FloatVector r1 = reduce(xc, n), lo = tail(r1, n);
        // e^x - 1 = (2^n - 1) + 2^n r1 + 2^n lo, the first two summed error-free (TwoSum), as
        // they cancel. 2^n is 2^b 2^a with a in {0, 1}, as 2^128 is not a float.
        IntVector ni = (IntVector) n.convert(VectorOperators.F2I, 0);
        IntVector b = ni.min(127), a = ni.sub(b);
        FloatVector t = pow2(b), minusOne = pow2(a.neg()).neg(), tr = t.mul(r1);
        FloatVector s1 = t.add(minusOne), s2 = s1.add(tr);
        FloatVector err = twoSumError(t, minusOne, s1).add(twoSumError(s1, tr, s2));
        FloatVector y = s2.add(t.fma(lo, err)).mul(pow2(a));
        y = y.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, VectorExp32.HIGH));
        // Zeros keep their sign; NaN lanes return x itself, the same NaN interpreted and compiled.
        return y.blend(x, x.compare(VectorOperators.EQ, 0f).or(x.test(VectorOperators.IS_NAN)));
    }

    static FloatVector logistic(FloatVector x) {
        FloatVector y = x.abs().neg().max(LOGISTIC_LOW);
        FloatVector n = round(y);
        FloatVector r1 = reduce(y, n), lo = tail(r1, n);
        FloatVector hi = onePlusHigh(r1, lo), low = onePlusLow(r1, lo, hi);
        IntVector ni = (IntVector) n.convert(VectorOperators.F2I, 0);
        // Below 2^-100, e^y no longer changes 1 + e^y: any small t serves there, and stays normal.
        FloatVector t = pow2(ni.max(-100));
        // x < 0: e^y/(1+e^y) = 2^n (hi + low)/(1+e^y); x >= 0: 1/(1+e^y).
        VectorMask<Float> positive = x.compare(VectorOperators.GE, 0f);
        // The reciprocal 1/(1+e) is m itself above 0, 1 - e/(1+e) = 1 - t m below.
        FloatVector one = FloatVector.broadcast(x.species(), 1f);
        FloatVector m = quotient(hi.blend(one, positive), low.blend(0f, positive), t.mul(hi), t.mul(low),
                t.neg().blend(one, positive), one.blend(0f, positive));
        // Times 2^n as 2^(n+64) 2^-64, both exact but the last, which rounds subnormal results once.
        FloatVector s = m.mul(pow2(ni.add(64))).mul(0x1p-64f).blend(m, positive);
        return s.blend(x, x.test(VectorOperators.IS_NAN));
    }

    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector z = a.mul(a);
        FloatVector small = a.mul(z).fma(VectorLibm.horner(z, TANH_P), a);
        FloatVector t = large(a).blend(small, a.compare(VectorOperators.LT, TANH_POLYNOMIAL));
        t = t.reinterpretAsInts().or(x.reinterpretAsInts().and(Integer.MIN_VALUE)).reinterpretAsFloats();
        return t.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** tanh a = (1-e)/(1+e) with e = e^(-2a) = 2^n (hi + low), below 1. */
    private static FloatVector large(FloatVector a) {
        FloatVector y = a.min(TANH_SATURATED).mul(-2f);
        FloatVector n = round(y);
        FloatVector r1 = reduce(y, n), lo = tail(r1, n);
        FloatVector hi = onePlusHigh(r1, lo);
        FloatVector t = pow2((IntVector) n.convert(VectorOperators.F2I, 0));
        FloatVector eHi = t.mul(hi), eLo = t.mul(onePlusLow(r1, lo, hi));
        FloatVector nHi = eHi.neg().add(1f);
        FloatVector nLo = nHi.neg().add(1f).sub(eHi).sub(eLo);
        // 1/(1+e) = (1 + tanh a)/2.
        FloatVector half = FloatVector.broadcast(a.species(), 0.5f);
        return quotient(nHi, nLo, eHi, eLo, half, half);
    }

    /**
     * (nHi + nLo) / (1 + eHi + eLo) for 0 <= eHi <= 1, to about half an ulp: the quotient m of
     * the rounded parts plus the remainder (exact by fma, less the parts' rounding errors; the
     * denominator's found exactly by Fast2Sum) over the denominator. The caller knows that
     * reciprocal from m as {@code alpha m + beta} to the few digits the correction needs.
     */
    private static FloatVector quotient(FloatVector nHi, FloatVector nLo, FloatVector eHi, FloatVector eLo,
            FloatVector alpha, FloatVector beta) {
        FloatVector dHi = eHi.add(1f);
        FloatVector dLo = eHi.sub(dHi.sub(1f)).add(eLo);
        FloatVector m = nHi.div(dHi);
        FloatVector minusM = m.neg();
        FloatVector rho = minusM.fma(dHi, nHi);
        rho = minusM.fma(dLo, rho.add(nLo));
        return rho.fma(m.fma(alpha, beta), m);
    }

    /** round(x / ln 2), for |x| below 2^21, by the round-to-nearest trick. */
    private static FloatVector round(FloatVector x) {
        return x.fma(VectorExp32.LOG2E, VectorExp32.ROUNDER).sub(VectorExp32.ROUNDER);
    }

    /** The rounding error of s = a + b (Knuth's TwoSum). */
    private static FloatVector twoSumError(FloatVector a, FloatVector b, FloatVector s) {
        FloatVector bb = s.sub(a);
        return a.sub(s.sub(bb)).add(b.sub(bb));
    }

    /** y - n LN2_HIGH, exact (n LN2_HIGH has at most 17 bits, and the difference is small). */
    private static FloatVector reduce(FloatVector y, FloatVector n) {
        return y.sub(n.mul(VectorExp32.LN2_HIGH));
    }

    /** e^r = 1 + r1 + lo rounded. */
    private static FloatVector onePlusHigh(FloatVector r1, FloatVector lo) {
        return r1.add(lo).add(1f);
    }

    /** The rounding error of {@link #onePlusHigh}: hi - 1 is exact (Sterbenz), r1 - (hi - 1) nearly so. */
    private static FloatVector onePlusLow(FloatVector r1, FloatVector lo, FloatVector hi) {
        return r1.sub(hi.sub(1f)).add(lo);
    }

    /**
     * e^r - 1 - r1 for r = r1 - n LN2_LOW (r1 = y - n LN2_HIGH, exact): -n LN2_LOW + r^2 P(r)
     * with {@link VectorExp32}'s polynomial (e^r = 1 + r + r^2 P(r)).
     */
    private static FloatVector tail(FloatVector r1, FloatVector n) {
        FloatVector c = n.mul(-VectorExp32.LN2_LOW);
        FloatVector r = r1.add(c);
        return r.mul(r).fma(VectorLibm.horner(r, VectorExp32.P), c);
    }
}
