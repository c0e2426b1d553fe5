package dev.kiln.codegen.jvm.kernels;

/**
 * Precomputed input coordinates of a convolution, one table per spatial dim, so the inner loops
 * of im2col and the direct convolution do no division and no bounds arithmetic:
 * {@code coord[s][q * k[s] + t]} is the input index read by output position q with kernel tap t
 * along dim s, or -1 where that lands in padding or in a hole of the lhs dilation.
 *
 * <p>For the last (innermost) dim, {@code qLo[t]..qHi[t]} is the range of output positions whose
 * reads are real for tap t, and {@code qUnit} says whether those reads are consecutive in q
 * (stride 1, no lhs dilation), so a run can be copied with {@code System.arraycopy};
 * {@code tLo[q]..tHi[q]} and {@code tUnit} are the same along the taps for a fixed output
 * position (rhs dilation 1, no lhs dilation).
 */
record ConvTables(int[][] coord, int[] qLo, int[] qHi, boolean qUnit, int[] tLo, int[] tHi, boolean tUnit,
                  int[] inStride) {

    static ConvTables of(ConvGeometry g) {
        int d = g.rank();
        int[][] coord = new int[d][];
        for (int s = 0; s < d; s++) {
            int q = g.out()[s], k = g.k()[s];
            coord[s] = new int[q * k];
            for (int qi = 0; qi < q; qi++) {
                for (int t = 0; t < k; t++) {
                    long pos = (long) qi * g.stride()[s] + (long) t * g.rhsDilation()[s] - g.padLow()[s];
                    int ld = g.lhsDilation()[s];
                    boolean real = pos >= 0 && pos % ld == 0 && pos / ld < g.in()[s];
                    coord[s][qi * k + t] = real ? (int) (pos / ld) : -1;
                }
            }
        }
        if (d == 0) {
            return new ConvTables(coord, new int[0], new int[0], false, new int[0], new int[0], false, new int[0]);
        }
        int last = d - 1, q = g.out()[last], k = g.k()[last];
        int[] qLo = new int[k], qHi = new int[k], tLo = new int[q], tHi = new int[q];
        for (int t = 0; t < k; t++) {
            int tap = t;
            int[] r = realRange(coord[last], q, i -> i * k + tap);
            qLo[t] = r[0];
            qHi[t] = r[1];
        }
        for (int qi = 0; qi < q; qi++) {
            int base = qi * k;
            int[] r = realRange(coord[last], k, t -> base + t);
            tLo[qi] = r[0];
            tHi[qi] = r[1];
        }
        boolean plain = g.lhsDilation()[last] == 1;
        return new ConvTables(coord, qLo, qHi, plain && g.stride()[last] == 1, tLo, tHi,
                plain && g.rhsDilation()[last] == 1, Permute.rowMajorStrides(g.in()));
    }

    /** {first, end} of the entries {@code table[at(0..n)]} that are real (>= 0); {0, 0} if none. */
    private static int[] realRange(int[] table, int n, java.util.function.IntUnaryOperator at) {
        int first = -1, end = -1;
        for (int i = 0; i < n; i++) {
            if (table[at.applyAsInt(i)] >= 0) {
                if (first < 0) {
                    first = i;
                }
                end = i + 1;
            }
        }
        return first < 0 ? new int[] {0, 0} : new int[] {first, end};
    }
}
