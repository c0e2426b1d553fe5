package dev.kiln.tracer;

import dev.kiln.ir.DType;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;

/**
 * The f32 normal sampler of {@link Random#normal}: one random word per sample through
 * {@code sqrt(2) * erfinv(x)}, built from elementwise primitives only (shifts, convert, log, sqrt,
 * mul, add, lt, select) so that every backend fuses it into the consumer's loop, vectorised,
 * without a primitive of its own.
 *
 * <p>erfinv is Giles' single-precision approximation: {@code t = -log((1 - x)(1 + x))}, then
 * {@code x} times a degree-8 polynomial, in {@code t - 2.5} where {@code t < 5} (here re-expanded
 * in powers of {@code t}, which saves an operation and is as accurate in f32) and in
 * {@code sqrt(t) - 3} elsewhere. The loop must stay branch-free to stay in vector lanes, so it
 * selects the polynomial variable and each coefficient per element and evaluates one polynomial:
 * 35 operations after the word, few enough for a kernel to hold them with a small consumer (a
 * JVM kernel stops growing at {@code FusionCost.MAX_KERNEL_EQUATIONS}).
 */
final class NormalF32 {
    /** Giles' central coefficients (highest degree first) for the polynomial in {@code t - 2.5}. */
    private static final double[] CENTRAL = {
        2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
        -0.00125372503, -0.00417768164, 0.246640727, 1.50140941};
    /** Giles' tail coefficients (highest degree first) for the polynomial in {@code sqrt(t) - 3}. */
    private static final double[] TAIL = {
        -0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
        -0.0076224613, 0.00943887047, 1.00167406, 2.83297682};
    /** Both scaled by sqrt(2) (a standard normal is sqrt(2) erfinv), the central one in powers of t. */
    private static final double[] CENTRAL_IN_T = scaled(shifted(CENTRAL, 2.5));
    private static final double[] TAIL_SCALED = scaled(TAIL);

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
        Tensor central = t.lt(5.0);
        Tensor v = Tensor.where(central, t, t.sqrt().sub(3.0));
        Tensor p = coefficient(central, 0).mul(v).add(coefficient(central, 1));
        for (int i = 2; i < CENTRAL_IN_T.length; i++) {
            p = p.mul(v).add(coefficient(central, i));
        }
        return p.mul(x);
    }

    /** Coefficient {@code i} of the central or the tail polynomial, element by element. */
    private static Tensor coefficient(Tensor central, int i) {
        return Tensor.where(central, Tensor.scalar((float) CENTRAL_IN_T[i], DType.F32), TAIL_SCALED[i]);
    }

    /** The coefficients, in powers of {@code t}, of the polynomial {@code c} in {@code t - a}. */
    private static double[] shifted(double[] c, double a) {
        int n = c.length;
        // Horner on polynomials, lowest degree first: acc = acc * (t - a) + c[k].
        double[] acc = new double[n];
        for (double ck : c) {
            double[] next = new double[n];
            for (int d = 0; d + 1 < n; d++) {
                next[d + 1] += acc[d];
                next[d] -= a * acc[d];
            }
            next[0] += ck;
            acc = next;
        }
        double[] out = new double[n];
        for (int d = 0; d < n; d++) {
            out[d] = acc[n - 1 - d];
        }
        return out;
    }

    private static double[] scaled(double[] c) {
        double[] out = c.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] *= Math.sqrt(2);
        }
        return out;
    }
}
