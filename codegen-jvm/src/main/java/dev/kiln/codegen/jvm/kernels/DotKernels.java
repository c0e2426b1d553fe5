package dev.kiln.codegen.jvm.kernels;

import dev.kiln.codegen.jvm.gen.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The inner-product micro-kernel: a 4 x 3 block of {@code C[r][j] = sum_p A_r[p] * B_j[p]} where
 * every A row and B column is contiguous along p (so nothing is packed: the kernel-gradient
 * convolution reads its output-gradient rows and shifted input planes in place). The depth runs
 * as {@code ko} outer steps (A advancing by {@code aOuter}, B by {@code bOuter}) of {@code kp}
 * contiguous elements, {@code kp} a multiple of the vector length; each of the 12 accumulators
 * is reduced across lanes once at the end, so the results are scalars and ragged blocks need no
 * masks: rows past {@code rows} and columns past {@code cols} repeat the last ones and are not
 * stored.
 *
 * <p>Per 16 depth steps it loads 7 vectors for 12 FMAs, so it stays FMA-bound (one 512-bit FMA
 * a cycle on Zen 4) even with the unaligned loads of shifted planes.
 */
final class DotKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private DotKernels() {
    }

    static void dot4x3(int ko, int kp, float[] a, int a0, int rsa, int aOuter, int rows,
                       float[] b, int b0, int b1, int b2, int bOuter, int cols,
                       float[] c, int cRow, int rsc, int o0, int o1, int o2, boolean add) {
        int a1 = a0 + Math.min(1, rows - 1) * rsa, a2 = a0 + Math.min(2, rows - 1) * rsa;
        int a3 = a0 + Math.min(3, rows - 1) * rsa;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c10 = z, c11 = z, c12 = z, c20 = z, c21 = z, c22 = z, c30 = z, c31 = z, c32 = z;
        for (int io = 0; io < ko; io++) {
            int ai = io * aOuter, bi = io * bOuter;
            for (int p = 0; p < kp; p += L) {
                FloatVector y0 = FloatVector.fromArray(S, b, b0 + bi + p);
                FloatVector y1 = FloatVector.fromArray(S, b, b1 + bi + p);
                FloatVector y2 = FloatVector.fromArray(S, b, b2 + bi + p);
                FloatVector x0 = FloatVector.fromArray(S, a, a0 + ai + p);
                c00 = x0.fma(y0, c00);
                c01 = x0.fma(y1, c01);
                c02 = x0.fma(y2, c02);
                FloatVector x1 = FloatVector.fromArray(S, a, a1 + ai + p);
                c10 = x1.fma(y0, c10);
                c11 = x1.fma(y1, c11);
                c12 = x1.fma(y2, c12);
                FloatVector x2 = FloatVector.fromArray(S, a, a2 + ai + p);
                c20 = x2.fma(y0, c20);
                c21 = x2.fma(y1, c21);
                c22 = x2.fma(y2, c22);
                FloatVector x3 = FloatVector.fromArray(S, a, a3 + ai + p);
                c30 = x3.fma(y0, c30);
                c31 = x3.fma(y1, c31);
                c32 = x3.fma(y2, c32);
            }
        }
        put(c, cRow + o0, c00, add);
        if (cols > 1) {
            put(c, cRow + o1, c01, add);
        }
        if (cols > 2) {
            put(c, cRow + o2, c02, add);
        }
        if (rows > 1) {
            put(c, cRow + 1 * rsc + o0, c10, add);
            if (cols > 1) {
                put(c, cRow + 1 * rsc + o1, c11, add);
            }
            if (cols > 2) {
                put(c, cRow + 1 * rsc + o2, c12, add);
            }
        }
        if (rows > 2) {
            put(c, cRow + 2 * rsc + o0, c20, add);
            if (cols > 1) {
                put(c, cRow + 2 * rsc + o1, c21, add);
            }
            if (cols > 2) {
                put(c, cRow + 2 * rsc + o2, c22, add);
            }
        }
        if (rows > 3) {
            put(c, cRow + 3 * rsc + o0, c30, add);
            if (cols > 1) {
                put(c, cRow + 3 * rsc + o1, c31, add);
            }
            if (cols > 2) {
                put(c, cRow + 3 * rsc + o2, c32, add);
            }
        }
    }

    /** Stores (or with {@code add}, adds) the lane sum of {@code acc} at {@code c[i]}. */
    private static void put(float[] c, int i, FloatVector acc, boolean add) {
        float sum = VectorMath.sum(acc);
        c[i] = add ? c[i] + sum : sum;
    }
}
