package dev.kiln.codegen.jvm.gen;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * ln x on f32 lanes, from operations the Vector API specifies exactly (add, mul, fma, compare,
 * blend, bit casts, integer shifts and I2F), so a kernel gives the same bits interpreted and after
 * C2 compiles it (see {@link VectorMath}). It stays in f32 lanes: the f64 route of the other
 * functions (widen, compute, round once) costs a division and two halves per vector, and the
 * DP-SGD noise takes one log per parameter per step.
 *
 * <p>x = 2^k m with m in [sqrt(1/2), sqrt(2)), f = m - 1, ln(1+f) = f - f^2/2 + f^3 P(f) with the
 * minimax polynomial of Cephes' {@code logf}, and k ln 2 added in two parts. At most 2 ulp from the
 * correctly rounded ln x over all f32 inputs (the interpreter's f64 log rounded once; measured by
 * {@code VectorMathTest}); 0 gives -inf, +inf itself, negatives and NaN NaN. log1p adds the
 * part of x that 1 + x loses in rounding among the small terms (measured within 1 ulp of the
 * rounded f64 log1p on every 97th f32 bit pattern, and equal to it on all but 0.4%).
 */
final class VectorLog32 {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IS = FS.withLanes(int.class);
    /** The bits of sqrt(1/2): subtracting them makes the exponent field k of x / sqrt(1/2). */
    private static final int SQRT_HALF_BITS = 0x3f3504f3;
    private static final int EXPONENT_MASK = 0xff800000;
    private static final float[] P = {
        3.3333331174E-1f, -2.4999993993E-1f, 2.0000714765E-1f, -1.6668057665E-1f, 1.4249322787E-1f,
        -1.2420140846E-1f, 1.1676998740E-1f, -1.1514610310E-1f, 7.0376836292E-2f,
    };
    /** ln 2 = LN2_HIGH + LN2_LOW, LN2_HIGH with few bits so that k * LN2_HIGH is exact. */
    private static final float LN2_HIGH = 0.693359375f, LN2_LOW = -2.12194440e-4f;

    private VectorLog32() {
    }

    static FloatVector log(FloatVector x) {
        return log(x, FloatVector.zero(FS));
    }

    /**
     * ln(1+x) as ln u + (x - (u-1))/u for u = 1 + x rounded: the quotient (the first-order term
     * of ln(1 + (1+x-u)/u)) is the part of x that u lost, added among the logarithm's small terms
     * before its last two roundings. Below 2^-24 in magnitude (zeros and subnormals included)
     * the result is x itself.
     */
    static FloatVector log1p(FloatVector x) {
        FloatVector u = x.add(1f);
        FloatVector r = log(u, x.sub(u.sub(1f)).div(u));
        return r.blend(x, x.abs().compare(VectorOperators.LT, 0x1p-24f));
    }

    /** ln x + c for c within an ulp of x, added with the small terms; every special x gives what ln x gives. */
    private static FloatVector log(FloatVector x, FloatVector c) {
        // Subnormals scaled into the normal range first (k corrected by 23 below).
        VectorMask<Float> subnormal = x.compare(VectorOperators.LT, Float.MIN_NORMAL);
        FloatVector xs = x.blend(x.mul(0x1p23f), subnormal);
        IntVector bits = xs.reinterpretAsInts();
        IntVector shifted = bits.sub(SQRT_HALF_BITS);
        IntVector k = shifted.lanewise(VectorOperators.ASHR, 23);
        k = k.blend(k.sub(23), subnormal.cast(IS));
        FloatVector m = bits.sub(shifted.and(EXPONENT_MASK)).reinterpretAsFloats();
        FloatVector f = m.sub(1f);
        FloatVector z = f.mul(f);
        FloatVector p = VectorLibm.horner(f, P);
        FloatVector e = (FloatVector) k.convert(VectorOperators.I2F, 0);
        FloatVector y = p.mul(f).mul(z);
        y = e.fma(FloatVector.broadcast(FS, LN2_LOW), y);
        y = z.fma(FloatVector.broadcast(FS, -0.5f), y).add(c);
        FloatVector r = f.add(y);
        r = e.fma(FloatVector.broadcast(FS, LN2_HIGH), r);
        r = r.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
        r = r.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
        VectorMask<Float> invalid = x.compare(VectorOperators.LT, 0f).or(x.test(VectorOperators.IS_NAN));
        return r.blend(Float.NaN, invalid);
    }
}
