package dev.kiln.tracer;

import dev.kiln.ir.DType;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;

/**
 * The f32 normal sampler of {@link Random#normal}: one random word per sample through
 * {@code sqrt(2) * erfinv(x)}, built from elementwise primitives only (shifts, convert, log, sqrt,
 * mul, add, lt, select) so that every backend fuses it into the consumer's loop, vectorised,
 * without a primitive of its own. Both polynomial branches are evaluated and one selected per
 * element: the loop stays branch-free, and the tail branch is needed for about 1 sample in 300.
 */
final class NormalF32 {
    /**
     * Giles' single-precision erfinv coefficients, highest degree first, for the central branch
     * ({@code t < 5}, polynomial in {@code t - 2.5}) and the tail branch (in {@code sqrt(t) - 3}).
     */
    private static final double[] CENTRAL = {
        2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
        -0.00125372503, -0.00417768164, 0.246640727, 1.50140941};
    private static final double[] TAIL = {
        -0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
        -0.0076224613, 0.00943887047, 1.00167406, 2.83297682};
    private static final double SQRT2 = Math.sqrt(2);

    private NormalF32() {
    }

    /** Standard normal f32 samples, one per i32 word of {@code words} (see {@link Random#normal}). */
    static Tensor ofWords(Tensor words) {
        // (w >> 7) | 1: the top 25 bits as a signed number, made odd, so |x| < 1 and x != 0
        // without a clamp; the int is below 2^24 in magnitude, so the f32 conversion is exact.
        Tensor odd = Dispatch.bind(new Binary(BinaryOp.SHIFT_RIGHT_ARITHMETIC), words, Tensor.scalar(7, DType.I32));
        odd = Dispatch.bind(new Binary(BinaryOp.OR), odd, Tensor.scalar(1, DType.I32));
        Tensor x = odd.astype(DType.F32).mul(0x1p-24);
        Tensor t = x.rsub(1.0).mul(x.add(1.0)).log().neg();
        Tensor central = horner(CENTRAL, t.sub(2.5));
        Tensor tail = horner(TAIL, t.sqrt().sub(3.0));
        return Tensor.where(t.lt(5.0), central, tail).mul(x);
    }

    /** The polynomial with coefficients {@code c} (highest degree first) times sqrt(2), at {@code v}. */
    private static Tensor horner(double[] c, Tensor v) {
        Tensor p = v.mul(c[0] * SQRT2).add(c[1] * SQRT2);
        for (int i = 2; i < c.length; i++) {
            p = p.mul(v).add(c[i] * SQRT2);
        }
        return p;
    }
}
