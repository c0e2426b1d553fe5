package dev.kiln.codegen.jvm.kernels;

import static dev.kiln.codegen.jvm.kernels.SgemmKernels.L;
import static dev.kiln.codegen.jvm.kernels.SgemmKernels.S;

import jdk.incubator.vector.FloatVector;

/**
 * Register-tile micro-kernels whose A operand is gathered through offset tables: element
 * {@code (r, p)} of A is {@code a[rowAt_r + kAt[ko + p]]}. That is a convolution's implicit
 * im2col with output positions as rows: {@code rowAt} locates an output position's window in a
 * padded input, {@code kAt} an (input feature, kernel tap) pair in it, so nothing is unfolded
 * and no column is wasted on the junk between rows of a padded grid. B is a packed panel
 * {@code [kc][width]} (the weights, transposed). Each kernel runs the whole depth in registers
 * and stores the tile, row r at {@code tile[t + r * width]}; the caller scatters it into place.
 *
 * <p>Rows past {@code rows} repeat the last real row (their results are junk the caller drops),
 * so the caller passes row offsets of real rows only. The same rules as {@link SgemmKernels}:
 * 12 accumulators at most, no masks, no vectors crossing calls.
 */
final class GatherKernels {
    /** Rows of the two-vector tile. */
    static final int ROWS2 = 6;
    /** Rows of the one-vector tile (narrow outputs: 16 features or fewer). */
    static final int ROWS1 = 12;

    private GatherKernels() {
    }

    /** A 6 x 2-vector tile: B panel rows {@code 2L} wide; row offsets in {@code rows[ro .. ro+6)}. */
    static void gather6x2(int kc, float[] a, int[] rows, int ro, int[] kAt, int ko, float[] b, int bo,
                          float[] tile, int t) {
        int r0 = rows[ro], r1 = rows[ro + 1], r2 = rows[ro + 2], r3 = rows[ro + 3], r4 = rows[ro + 4];
        int r5 = rows[ro + 5];
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        for (int p = 0; p < kc; p++) {
            int k = kAt[ko + p], bi = bo + p * 2 * L;
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x = FloatVector.broadcast(S, a[r0 + k]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[r1 + k]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[r2 + k]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[r3 + k]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[r4 + k]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[r5 + k]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        int w = 2 * L;
        c00.intoArray(tile, t);
        c01.intoArray(tile, t + L);
        c10.intoArray(tile, t + w);
        c11.intoArray(tile, t + w + L);
        c20.intoArray(tile, t + 2 * w);
        c21.intoArray(tile, t + 2 * w + L);
        c30.intoArray(tile, t + 3 * w);
        c31.intoArray(tile, t + 3 * w + L);
        c40.intoArray(tile, t + 4 * w);
        c41.intoArray(tile, t + 4 * w + L);
        c50.intoArray(tile, t + 5 * w);
        c51.intoArray(tile, t + 5 * w + L);
    }

    /** A 12 x 1-vector tile: B panel rows {@code L} wide; row offsets in {@code rows[ro .. ro+12)}. */
    static void gather12x1(int kc, float[] a, int[] rows, int ro, int[] kAt, int ko, float[] b, int bo,
                           float[] tile, int t) {
        int r0 = rows[ro], r1 = rows[ro + 1], r2 = rows[ro + 2], r3 = rows[ro + 3], r4 = rows[ro + 4];
        int r5 = rows[ro + 5], r6 = rows[ro + 6], r7 = rows[ro + 7], r8 = rows[ro + 8], r9 = rows[ro + 9];
        int r10 = rows[ro + 10], r11 = rows[ro + 11];
        FloatVector z = FloatVector.zero(S);
        FloatVector c0 = z, c1 = z, c2 = z, c3 = z, c4 = z, c5 = z, c6 = z, c7 = z, c8 = z, c9 = z, c10 = z, c11 = z;
        for (int p = 0; p < kc; p++) {
            int k = kAt[ko + p];
            FloatVector y = FloatVector.fromArray(S, b, bo + p * L);
            c0 = FloatVector.broadcast(S, a[r0 + k]).fma(y, c0);
            c1 = FloatVector.broadcast(S, a[r1 + k]).fma(y, c1);
            c2 = FloatVector.broadcast(S, a[r2 + k]).fma(y, c2);
            c3 = FloatVector.broadcast(S, a[r3 + k]).fma(y, c3);
            c4 = FloatVector.broadcast(S, a[r4 + k]).fma(y, c4);
            c5 = FloatVector.broadcast(S, a[r5 + k]).fma(y, c5);
            c6 = FloatVector.broadcast(S, a[r6 + k]).fma(y, c6);
            c7 = FloatVector.broadcast(S, a[r7 + k]).fma(y, c7);
            c8 = FloatVector.broadcast(S, a[r8 + k]).fma(y, c8);
            c9 = FloatVector.broadcast(S, a[r9 + k]).fma(y, c9);
            c10 = FloatVector.broadcast(S, a[r10 + k]).fma(y, c10);
            c11 = FloatVector.broadcast(S, a[r11 + k]).fma(y, c11);
        }
        c0.intoArray(tile, t);
        c1.intoArray(tile, t + L);
        c2.intoArray(tile, t + 2 * L);
        c3.intoArray(tile, t + 3 * L);
        c4.intoArray(tile, t + 4 * L);
        c5.intoArray(tile, t + 5 * L);
        c6.intoArray(tile, t + 6 * L);
        c7.intoArray(tile, t + 7 * L);
        c8.intoArray(tile, t + 8 * L);
        c9.intoArray(tile, t + 9 * L);
        c10.intoArray(tile, t + 10 * L);
        c11.intoArray(tile, t + 11 * L);
    }
}
