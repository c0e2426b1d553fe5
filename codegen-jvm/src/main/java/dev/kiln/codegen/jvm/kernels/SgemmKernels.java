package dev.kiln.codegen.jvm.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked f32 micro-kernels of {@link Sgemm}: each computes a tile of C = A·B of
 * {@link #MR} rows by one or two vectors over a k-block, keeping the tile in registers.
 *
 * <p>Why 6 x 2 vectors: on Zen 4 with 512-bit vectors, 6 rows x 2 vectors (12 accumulators)
 * measured 85-92 GFLOP/s single-threaded on a packed 576^3 product, while 4 x 4 and 8 x 2
 * (16 accumulators) and 8 x 3 (24) fell to 10-28 GFLOP/s: C2 spills once a loop holds more than
 * about 16 live vectors. One 512-bit FMA a cycle makes the core's peak about 100 GFLOP/s.
 *
 * <p>Packed kernels read A as {@code [kc][MR]} and B as {@code [kc][NR]} panels (see
 * {@link SgemmPacking}); the unpacked kernel reads A and B in place (B with unit column stride),
 * for small products where packing would cost more than it saves. Every kernel either overwrites
 * C or adds to it ({@code add}), and stores only {@code rows} rows and {@code cols} columns.
 */
final class SgemmKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lanes per vector (16 with AVX-512). */
    static final int L = S.length();
    /** Rows of a register tile. */
    static final int MR = 6;
    /** Columns of a full-width register tile: two vectors. */
    static final int NR = 2 * L;

    private SgemmKernels() {
    }

    /** A 6 x 2-vector tile from packed panels, stored to C rows {@code ldc} apart. */
    static void packed6x2(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc,
                          boolean add, int rows, int cols) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        for (int p = 0; p < kc; p++) {
            int bi = bo + p * NR, ai = ao + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector a = FloatVector.broadcast(S, ap[ai]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
        }
        store2(c, co, c00, c01, add, cols);
        if (rows > 1) {
            store2(c, co + ldc, c10, c11, add, cols);
        }
        if (rows > 2) {
            store2(c, co + 2 * ldc, c20, c21, add, cols);
        }
        if (rows > 3) {
            store2(c, co + 3 * ldc, c30, c31, add, cols);
        }
        if (rows > 4) {
            store2(c, co + 4 * ldc, c40, c41, add, cols);
        }
        if (rows > 5) {
            store2(c, co + 5 * ldc, c50, c51, add, cols);
        }
    }

    /** A 6 x 1-vector tile from packed panels (B panel {@code [kc][L]}): the narrow right edge. */
    static void packed6x1(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc,
                          boolean add, int rows, int cols) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c0 = z, c1 = z, c2 = z, c3 = z, c4 = z, c5 = z;
        for (int p = 0; p < kc; p++) {
            int ai = ao + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bo + p * L);
            c0 = FloatVector.broadcast(S, ap[ai]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, ap[ai + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, ap[ai + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, ap[ai + 3]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, ap[ai + 4]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, ap[ai + 5]).fma(b0, c5);
        }
        store1(c, co, c0, add, cols);
        if (rows > 1) {
            store1(c, co + ldc, c1, add, cols);
        }
        if (rows > 2) {
            store1(c, co + 2 * ldc, c2, add, cols);
        }
        if (rows > 3) {
            store1(c, co + 3 * ldc, c3, add, cols);
        }
        if (rows > 4) {
            store1(c, co + 4 * ldc, c4, add, cols);
        }
        if (rows > 5) {
            store1(c, co + 5 * ldc, c5, add, cols);
        }
    }

    /**
     * A 6 x 2-vector tile read in place: A rows at {@code a0 + r*rsa} (rows past {@code rows}
     * repeat the last one and are not stored), B row {@code p} at {@code bo + p*rsb}, of which
     * only the first {@code cols} columns are read.
     */
    static void unpacked6x2(int kc, float[] a, int ao, int rsa, int csa, float[] b, int bo, int rsb,
                            float[] c, int co, int ldc, boolean add, int rows, int cols) {
        // masks are built here, not passed in: a mask of statically unknown class defeats the intrinsics
        VectorMask<Float> m0 = S.indexInRange(0, cols), m1 = S.indexInRange(L, cols);
        int r1 = ao + Math.min(1, rows - 1) * rsa, r2 = ao + Math.min(2, rows - 1) * rsa;
        int r3 = ao + Math.min(3, rows - 1) * rsa, r4 = ao + Math.min(4, rows - 1) * rsa;
        int r5 = ao + Math.min(5, rows - 1) * rsa;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        for (int p = 0; p < kc; p++) {
            int bi = bo + p * rsb, ap = p * csa;
            FloatVector b0 = FloatVector.fromArray(S, b, bi, m0), b1 = FloatVector.fromArray(S, b, bi + L, m1);
            FloatVector x = FloatVector.broadcast(S, a[ao + ap]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[r1 + ap]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[r2 + ap]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[r3 + ap]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[r4 + ap]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[r5 + ap]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        store2(c, co, c00, c01, add, cols);
        if (rows > 1) {
            store2(c, co + ldc, c10, c11, add, cols);
        }
        if (rows > 2) {
            store2(c, co + 2 * ldc, c20, c21, add, cols);
        }
        if (rows > 3) {
            store2(c, co + 3 * ldc, c30, c31, add, cols);
        }
        if (rows > 4) {
            store2(c, co + 4 * ldc, c40, c41, add, cols);
        }
        if (rows > 5) {
            store2(c, co + 5 * ldc, c50, c51, add, cols);
        }
    }

    /** Stores the first {@code cols} of the two vectors' lanes at {@code c[o..]}. */
    private static void store2(float[] c, int o, FloatVector x0, FloatVector x1, boolean add, int cols) {
        store1(c, o, x0, add, cols);
        store1(c, o + L, x1, add, cols - L);
    }

    /** Stores the first {@code cols} lanes of {@code x} (all of them if cols >= L) at {@code c[o..]}. */
    private static void store1(float[] c, int o, FloatVector x, boolean add, int cols) {
        if (cols >= L) {
            if (add) {
                x = x.add(FloatVector.fromArray(S, c, o));
            }
            x.intoArray(c, o);
        } else if (cols > 0) {
            VectorMask<Float> m = S.indexInRange(0, cols);
            if (add) {
                x = x.add(FloatVector.fromArray(S, c, o, m));
            }
            x.intoArray(c, o, m);
        }
    }
}
