package dev.kiln.codegen.jvm.gen;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * e^x on f32 lanes from exactly specified lane operations (see {@link VectorLog32} for why f32
 * lanes): x = n ln 2 + r with |r| <= ln2/2 (n by the round-to-nearest trick, ln 2 in two parts),
 * e^r by Cephes' {@code expf} polynomial, times 2^n as two powers of two so that subnormal results
 * come out right. Small enough for C2 to inline into a kernel, unlike the f64 route.
 */
final class VectorExp32 {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    static final float LOG2E = 1.44269504088896341f;
    /** 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer. */
    static final float ROUNDER = 0x1.8p23f;
    static final float LN2_HIGH = 0.693359375f, LN2_LOW = -2.12194440e-4f;
    /** Above this e^x overflows to +inf, below LOW it is 0 (even as a subnormal). */
    static final float HIGH = 88.72284f, LOW = -103.97209f;
    static final float[] P = {
        5.0000001201E-1f, 1.6666665459E-1f, 4.1665795894E-2f, 8.3334519073E-3f, 1.3981999507E-3f, 1.9875691500E-4f,
    };

    private VectorExp32() {
    }

    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(LOW).min(HIGH);
        FloatVector t = xc.fma(FloatVector.broadcast(FS, LOG2E), FloatVector.broadcast(FS, ROUNDER));
        FloatVector n = t.sub(ROUNDER);
        FloatVector r = n.neg().fma(FloatVector.broadcast(FS, LN2_HIGH), xc);
        r = n.neg().fma(FloatVector.broadcast(FS, LN2_LOW), r);
        FloatVector p = VectorLibm.horner(r, P);
        FloatVector er = p.mul(r.mul(r)).add(r).add(1f);
        // 2^n = 2^a * 2^(n-a) with a = n/2 (both exponents within the normal range for |n| <= 150).
        IntVector ni = t.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUNDER));
        IntVector a = ni.lanewise(VectorOperators.ASHR, 1);
        FloatVector y = er.mul(pow2(a)).mul(pow2(ni.sub(a)));
        y = y.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, HIGH));
        y = y.blend(0f, x.compare(VectorOperators.LT, LOW));
        return y.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** 2^k for k in [-126, 127], built from its exponent bits. */
    static FloatVector pow2(IntVector k) {
        return k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }
}
