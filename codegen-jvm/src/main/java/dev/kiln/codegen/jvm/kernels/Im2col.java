package dev.kiln.codegen.jvm.kernels;

import java.util.Arrays;

/**
 * Unfolds convolution input patches into a matrix for the GEMM ({@code im2col}): row
 * {@code (ii - ii0) * taps + t} and column {@code (n' - n0) * (q1 - q0) + (q - q0)} hold the lhs
 * value read by output position q of output example n' through kernel tap t of group-local input
 * feature ii (0 in padding and lhs-dilation holes).
 *
 * <p>Two layouts of the same matrix, chosen by which way the reads run contiguously:
 * {@link #rowMajor} fills along output positions (long runs when the stride is 1 and the output
 * is wide: forward and input-gradient convolutions), {@link #transposed} fills along kernel taps
 * (long runs when the kernel is wide and undilated: the kernel-gradient convolution, whose
 * "kernel" is the output gradient).
 */
final class Im2col {
    private final ConvGeometry g;
    private final ConvTables tb;
    private final int[][] tapIndex;
    private final int inPositions;

    Im2col(ConvGeometry g, ConvTables tb) {
        this.g = g;
        this.tb = tb;
        this.inPositions = g.inPositions();
        int taps = g.taps();
        tapIndex = new int[taps][];
        for (int t = 0; t < taps; t++) {
            tapIndex[t] = unravel(t, g.k());
        }
    }

    /** The lhs offset of the feature plane read for (group, n', ii). */
    private int plane(int lo, int group, int nOut, int ii) {
        return lo + (g.lhsBatch(group, nOut) * g.c() + g.lhsFeature(group, ii)) * inPositions;
    }

    /** Fills the matrix row by row, leading dimension {@code (n1-n0)*(q1-q0)}; {@code work} holds rank ints. */
    void rowMajor(float[] lhs, int lo, int group, int ii0, int ii1, int n0, int n1, int q0, int q1,
                  float[] col, int co, int[] work) {
        int taps = g.taps(), span = q1 - q0, ld = (n1 - n0) * span;
        for (int ii = ii0; ii < ii1; ii++) {
            for (int t = 0; t < taps; t++) {
                int row = co + ((ii - ii0) * taps + t) * ld;
                for (int nOut = n0; nOut < n1; nOut++) {
                    alongPositions(lhs, plane(lo, group, nOut, ii), tapIndex[t], q0, q1, col, row + (nOut - n0) * span, work);
                }
            }
        }
    }

    /** Fills the transposed matrix (one row per column of {@link #rowMajor}), leading dimension {@code (ii1-ii0)*taps}. */
    void transposed(float[] lhs, int lo, int group, int ii0, int ii1, int n0, int n1, int q0, int q1,
                    float[] col, int co, int[] work) {
        int taps = g.taps(), ld = (ii1 - ii0) * taps;
        int[] qIdx = work;
        for (int nOut = n0; nOut < n1; nOut++) {
            for (int q = q0; q < q1; q++) {
                unravel(q, g.out(), qIdx);
                int row = co + ((nOut - n0) * (q1 - q0) + (q - q0)) * ld;
                for (int ii = ii0; ii < ii1; ii++) {
                    alongTaps(lhs, plane(lo, group, nOut, ii), qIdx, col, row + (ii - ii0) * taps);
                }
            }
        }
    }

    /** Output positions {@code [q0, q1)} for one tap, run by run along the last output dim. */
    private void alongPositions(float[] lhs, int plane, int[] t, int q0, int q1, float[] col, int dst, int[] qIdx) {
        int d = g.rank();
        if (d == 0) {
            col[dst] = lhs[plane];
            return;
        }
        int last = d - 1, width = g.out()[last];
        unravel(q0, g.out(), qIdx);
        for (int q = q0; q < q1; ) {
            int x0 = qIdx[last], len = Math.min(q1 - q, width - x0);
            int off = outerOffset(plane, qIdx, t, g.k(), last);
            if (off < 0) {
                Arrays.fill(col, dst, dst + len, 0f);
            } else {
                runAlongPositions(lhs, off, t[last], x0, len, col, dst);
            }
            q += len;
            dst += len;
            qIdx[last] = width - 1;
            advance(qIdx, g.out());
        }
    }

    private void runAlongPositions(float[] lhs, int off, int tl, int x0, int len, float[] col, int dst) {
        int k = g.k()[g.rank() - 1];
        int[] coord = tb.coord()[g.rank() - 1];
        if (tb.qUnit()) {
            int a = Math.max(x0, tb.qLo()[tl]), b = Math.min(x0 + len, tb.qHi()[tl]);
            if (a >= b) {
                Arrays.fill(col, dst, dst + len, 0f);
                return;
            }
            Arrays.fill(col, dst, dst + (a - x0), 0f);
            System.arraycopy(lhs, off + coord[a * k + tl], col, dst + (a - x0), b - a);
            Arrays.fill(col, dst + (b - x0), dst + len, 0f);
            return;
        }
        for (int x = 0; x < len; x++) {
            int c = coord[(x0 + x) * k + tl];
            col[dst + x] = c < 0 ? 0f : lhs[off + c];
        }
    }

    /** All taps for one output position, run by run along the last kernel dim. */
    private void alongTaps(float[] lhs, int plane, int[] q, float[] col, int dst) {
        int d = g.rank();
        if (d == 0) {
            col[dst] = lhs[plane];
            return;
        }
        int last = d - 1, kl = g.k()[last], taps = g.taps();
        int[] coord = tb.coord()[last];
        int xq = q[last];
        for (int t0 = 0; t0 < taps; t0 += kl, dst += kl) {
            int off = outerOffset(plane, q, tapIndex[t0], g.k(), last);
            if (off < 0) {
                Arrays.fill(col, dst, dst + kl, 0f);
                continue;
            }
            if (tb.tUnit()) {
                int a = tb.tLo()[xq], b = tb.tHi()[xq];
                if (a >= b) {
                    Arrays.fill(col, dst, dst + kl, 0f);
                    continue;
                }
                Arrays.fill(col, dst, dst + a, 0f);
                System.arraycopy(lhs, off + coord[xq * kl + a], col, dst + a, b - a);
                Arrays.fill(col, dst + b, dst + kl, 0f);
                continue;
            }
            for (int t = 0; t < kl; t++) {
                int c = coord[xq * kl + t];
                col[dst + t] = c < 0 ? 0f : lhs[off + c];
            }
        }
    }

    /**
     * The offset of the input row selected by the outer (all but last) dims of output position
     * {@code q} and tap {@code t}, or -1 if one of them reads padding.
     */
    private int outerOffset(int plane, int[] q, int[] t, int[] k, int last) {
        int off = plane;
        for (int s = 0; s < last; s++) {
            int c = tb.coord()[s][q[s] * k[s] + t[s]];
            if (c < 0) {
                return -1;
            }
            off += c * tb.inStride()[s];
        }
        return off;
    }

    static int[] unravel(int flat, int[] dims) {
        int[] idx = new int[dims.length];
        unravel(flat, dims, idx);
        return idx;
    }

    static void unravel(int flat, int[] dims, int[] idx) {
        for (int i = dims.length - 1; i >= 0; i--) {
            idx[i] = flat % dims[i];
            flat /= dims[i];
        }
    }

    private static void advance(int[] idx, int[] dims) {
        for (int i = dims.length - 1; i >= 0; i--) {
            if (++idx[i] < dims[i]) {
                return;
            }
            idx[i] = 0;
        }
    }
}
