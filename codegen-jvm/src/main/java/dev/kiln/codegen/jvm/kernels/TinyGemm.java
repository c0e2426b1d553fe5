package dev.kiln.codegen.jvm.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Products too small for packing or lanes to pay (a logistic regression's {@code [128,104]·[2,104]ᵀ},
 * tens of thousands of multiply-adds, a few microseconds): operands read in place, register
 * tiles, no scratch, no lambdas, run on the calling thread. Two layouts, each vectorised along a
 * contiguous dimension:
 * <ul>
 *   <li>{@link #rows}: B and C rows contiguous ({@code csb = csc = 1}, {@code n >= L}): C rows
 *       are built as vectors, A's elements broadcast;</li>
 *   <li>{@link #dots}: A rows and B columns contiguous along k ({@code csa = rsb = 1},
 *       {@code k >= L}): each element of C is a vector inner product, reduced once.</li>
 * </ul>
 * Ragged ends take no masks and no scalar loops: the last vector of a row (or of a depth run)
 * starts at {@code len - L}, overlapping the one before it. In {@link #rows} the overlapping
 * lanes are computed twice by the same operations from the same C, so storing them twice is
 * harmless (both vectors sit in one tile: C is loaded before anything is stored); in
 * {@link #dots} the lanes already summed are blended away before they are added.
 */
final class TinyGemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Vectors of one C row tile in {@link #rows}. */
    private static final int TILE_VECTORS = 4;
    /** {@link #dots} folds its eight accumulators into the lanes of one vector: it needs at least 8. */
    private static final int MIN_DOT_LANES = 8;
    private static final VectorMask<Float> SET1 = lanesWith(1), SET2 = lanesWith(2), SET4 = lanesWith(4);
    private static final VectorShuffle<Float> ROT1 = rotation(1), ROT2 = rotation(2), ROT4 = rotation(4),
            ROT8 = rotation(8), ROT16 = rotation(16), ROT32 = rotation(32), ROT64 = rotation(64);

    private TinyGemm() {
    }

    /** True when {@link #rows} can compute this product. */
    static boolean rowsFits(int n, int csb, int csc) {
        return csb == 1 && csc == 1 && n >= L;
    }

    /** True when {@link #dots} can compute this product. */
    static boolean dotsFits(int k, int csa, int rsb) {
        return csa == 1 && rsb == 1 && k >= L && L >= MIN_DOT_LANES && L <= 128;
    }

    /** {@code C (+)= A·B} with B and C rows contiguous, two rows of C by up to four vectors at a time. */
    static void rows(int m, int n, int k, float[] a, int ao, int rsa, int csa, float[] b, int bo, int rsb,
                     float[] c, int co, int rsc, boolean accumulate) {
        int vectors = (n + L - 1) / L;
        for (int v0 = 0; v0 < vectors; ) {
            int count = Math.min(TILE_VECTORS, vectors - v0);
            if (v0 + count == vectors - 1) {
                count--; // keep the overlapping last vector in the same tile as the one it overlaps
            }
            int j0 = col(v0, n), j1 = col(v0 + Math.min(1, count - 1), n);
            int j2 = col(v0 + Math.min(2, count - 1), n), j3 = col(v0 + Math.min(3, count - 1), n);
            for (int i = 0; i < m; i += 2) {
                int i1 = Math.min(i + 1, m - 1);
                rows2x4(k, a, ao + i * rsa, ao + i1 * rsa, csa, b, bo, rsb, j0, j1, j2, j3,
                        c, co + i * rsc, co + i1 * rsc, accumulate);
            }
            v0 += count;
        }
    }

    /** The start of vector {@code v} of a row of {@code n >= L}: the last one ends at {@code n}. */
    private static int col(int v, int n) {
        return Math.min(v * L, n - L);
    }

    /**
     * Two C rows (at {@code c0}, {@code c1}; equal when there is one) by four vectors at columns
     * {@code j0..j3} (repeats allowed): every C vector is loaded (when accumulating) before any
     * is stored, so repeated and overlapping vectors store equal values.
     */
    private static void rows2x4(int k, float[] a, int a0, int a1, int csa, float[] b, int bo, int rsb,
                                int j0, int j1, int j2, int j3, float[] c, int c0, int c1, boolean add) {
        FloatVector z = FloatVector.zero(S);
        FloatVector x00 = z, x01 = z, x02 = z, x03 = z, x10 = z, x11 = z, x12 = z, x13 = z;
        if (add) {
            x00 = FloatVector.fromArray(S, c, c0 + j0);
            x01 = FloatVector.fromArray(S, c, c0 + j1);
            x02 = FloatVector.fromArray(S, c, c0 + j2);
            x03 = FloatVector.fromArray(S, c, c0 + j3);
            x10 = FloatVector.fromArray(S, c, c1 + j0);
            x11 = FloatVector.fromArray(S, c, c1 + j1);
            x12 = FloatVector.fromArray(S, c, c1 + j2);
            x13 = FloatVector.fromArray(S, c, c1 + j3);
        }
        for (int p = 0; p < k; p++) {
            int bp = bo + p * rsb;
            FloatVector y0 = FloatVector.fromArray(S, b, bp + j0), y1 = FloatVector.fromArray(S, b, bp + j1);
            FloatVector y2 = FloatVector.fromArray(S, b, bp + j2), y3 = FloatVector.fromArray(S, b, bp + j3);
            FloatVector s = FloatVector.broadcast(S, a[a0 + p * csa]);
            x00 = s.fma(y0, x00);
            x01 = s.fma(y1, x01);
            x02 = s.fma(y2, x02);
            x03 = s.fma(y3, x03);
            s = FloatVector.broadcast(S, a[a1 + p * csa]);
            x10 = s.fma(y0, x10);
            x11 = s.fma(y1, x11);
            x12 = s.fma(y2, x12);
            x13 = s.fma(y3, x13);
        }
        x00.intoArray(c, c0 + j0);
        x01.intoArray(c, c0 + j1);
        x02.intoArray(c, c0 + j2);
        x03.intoArray(c, c0 + j3);
        x10.intoArray(c, c1 + j0);
        x11.intoArray(c, c1 + j1);
        x12.intoArray(c, c1 + j2);
        x13.intoArray(c, c1 + j3);
    }

    /** {@code C (+)= A·B} with A rows and B columns contiguous along k: four rows by two columns of inner products. */
    static void dots(int m, int n, int k, float[] a, int ao, int rsa, float[] b, int bo, int csb,
                     float[] c, int co, int rsc, int csc, boolean accumulate) {
        int rem = k % L;
        // the depth's last vector starts at k - L; of it, only the lanes past the full vectors count
        VectorMask<Float> tail = S.indexInRange(rem - L, rem);
        float[] acc = new float[8 * L];
        for (int i0 = 0; i0 < m; i0 += 4) {
            int rows = Math.min(4, m - i0);
            for (int j0 = 0; j0 < n; j0 += 2) {
                int cols = Math.min(2, n - j0);
                dots4x2(acc, k, rem, tail, a, ao + i0 * rsa, rsa, rows, b, bo + j0 * csb, bo + (j0 + cols - 1) * csb);
                fold8(acc);
                store4x2(acc, rows, cols, c, co + i0 * rsc + j0 * csc, rsc, csc, accumulate);
            }
        }
    }

    /** Stores (or adds) the sums {@code acc[2r + j]} of a 4 x 2 tile's valid {@code rows x cols} corner into C at {@code o}. */
    private static void store4x2(float[] acc, int rows, int cols, float[] c, int o, int rsc, int csc, boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                int at = o + r * rsc + j * csc;
                c[at] = accumulate ? c[at] + acc[2 * r + j] : acc[2 * r + j];
            }
        }
    }

    /**
     * Four A rows (from {@code a0}, {@code rsa} apart; past {@code rows} the last repeats) against
     * the B columns at {@code b0} and {@code b1}: stores the eight accumulators, row by row, as
     * vectors at {@code acc[0, 8L)}. The fold is {@link #fold8}'s, called apart: inlined into this
     * kernel it ran into C2's node limit, and vectors passed to a call C2 refuses are boxed.
     */
    private static void dots4x2(float[] acc, int k, int rem, VectorMask<Float> tail, float[] a, int a0, int rsa, int rows,
                                float[] b, int b0, int b1) {
        int a1 = a0 + Math.min(1, rows - 1) * rsa, a2 = a0 + Math.min(2, rows - 1) * rsa;
        int a3 = a0 + Math.min(3, rows - 1) * rsa;
        FloatVector z = FloatVector.zero(S);
        FloatVector s00 = z, s01 = z, s10 = z, s11 = z, s20 = z, s21 = z, s30 = z, s31 = z;
        int full = k - rem;
        for (int p = 0; p < full; p += L) {
            FloatVector y0 = FloatVector.fromArray(S, b, b0 + p), y1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector x = FloatVector.fromArray(S, a, a0 + p);
            s00 = x.fma(y0, s00);
            s01 = x.fma(y1, s01);
            x = FloatVector.fromArray(S, a, a1 + p);
            s10 = x.fma(y0, s10);
            s11 = x.fma(y1, s11);
            x = FloatVector.fromArray(S, a, a2 + p);
            s20 = x.fma(y0, s20);
            s21 = x.fma(y1, s21);
            x = FloatVector.fromArray(S, a, a3 + p);
            s30 = x.fma(y0, s30);
            s31 = x.fma(y1, s31);
        }
        if (rem > 0) {
            int p = k - L;
            FloatVector y0 = FloatVector.fromArray(S, b, b0 + p), y1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector x = FloatVector.fromArray(S, a, a0 + p);
            s00 = s00.blend(x.fma(y0, s00), tail);
            s01 = s01.blend(x.fma(y1, s01), tail);
            x = FloatVector.fromArray(S, a, a1 + p);
            s10 = s10.blend(x.fma(y0, s10), tail);
            s11 = s11.blend(x.fma(y1, s11), tail);
            x = FloatVector.fromArray(S, a, a2 + p);
            s20 = s20.blend(x.fma(y0, s20), tail);
            s21 = s21.blend(x.fma(y1, s21), tail);
            x = FloatVector.fromArray(S, a, a3 + p);
            s30 = s30.blend(x.fma(y0, s30), tail);
            s31 = s31.blend(x.fma(y1, s31), tail);
        }
        s00.intoArray(acc, 0);
        s01.intoArray(acc, L);
        s10.intoArray(acc, 2 * L);
        s11.intoArray(acc, 3 * L);
        s20.intoArray(acc, 4 * L);
        s21.intoArray(acc, 5 * L);
        s30.intoArray(acc, 6 * L);
        s31.intoArray(acc, 7 * L);
    }

    /** Replaces the eight vectors at {@code acc[0, 8L)} by their lane sums, at {@code acc[0, 8)}. */
    private static void fold8(float[] acc) {
        FloatVector sums = combine(
                combine(combine(load(acc, 0), load(acc, 1), SET1, ROT1), combine(load(acc, 2), load(acc, 3), SET1, ROT1),
                        SET2, ROT2),
                combine(combine(load(acc, 4), load(acc, 5), SET1, ROT1), combine(load(acc, 6), load(acc, 7), SET1, ROT1),
                        SET2, ROT2),
                SET4, ROT4);
        // lanes i and i + 8, 16, ... hold partial sums of the same accumulator: fold them into lane i < 8
        if (L >= 16) {
            sums = sums.add(sums.rearrange(ROT8));
        }
        if (L >= 32) {
            sums = sums.add(sums.rearrange(ROT16));
        }
        if (L >= 64) {
            sums = sums.add(sums.rearrange(ROT32));
        }
        if (L >= 128) {
            sums = sums.add(sums.rearrange(ROT64));
        }
        sums.intoArray(acc, 0);
    }

    private static FloatVector load(float[] acc, int v) {
        return FloatVector.fromArray(S, acc, v * L);
    }

    /**
     * Merges two vectors of partial sums into one, lane bit h ({@code set}: the lanes that have it;
     * {@code rotate}: by h) choosing which: lane i is {@code a[i] + a[i + h]} where bit h of i is
     * clear and {@code b[i] + b[i + h]} where it is set (indices mod L). Rotating keeps the bits
     * below h, so when a's and b's lanes are told apart by those bits only (earlier merges), every
     * lane still holds one accumulator's partial sum, and each accumulator's lanes together hold
     * its whole sum. A fixed order, the same interpreted and compiled (unlike {@code reduceLanes});
     * rotations, not index-array shuffles, which measured 40x slower.
     */
    private static FloatVector combine(FloatVector a, FloatVector b, VectorMask<Float> set, VectorShuffle<Float> rotate) {
        return a.blend(b, set).add(b.blend(a, set).rearrange(rotate));
    }

    /** The lanes whose index has {@code bit} set. */
    private static VectorMask<Float> lanesWith(int bit) {
        boolean[] set = new boolean[L];
        for (int i = 0; i < L; i++) {
            set[i] = (i & bit) != 0;
        }
        return VectorMask.fromArray(S, set, 0);
    }

    private static VectorShuffle<Float> rotation(int by) {
        return VectorShuffle.iota(S, by % L, 1, true);
    }
}
