package dev.kiln.codegen.jvm.kernels;

import dev.kiln.ir.Ints;

/**
 * The sizes of a pooling window sweep (reduce_window, select_and_scatter_add), and whether it is
 * the common NCHW form: pooling only on the last two dims, so the operand is {@code planes}
 * independent {@code [h, w]} images ({@link #planar}). Rank-0 and rank-1 operands are treated as
 * planes with leading size-1 dims.
 *
 * <p>Window position {@code k} of output {@code q} reads operand index {@code q*stride + k - padLow}
 * along each dim, padding where that falls outside the operand.
 */
record WindowGeometry(int[] dims, int[] window, int[] strides, int[] padLow, int[] out, boolean planar,
                      int planes, int h, int w, int wh, int ww, int sh, int sw, int ph, int pw, int oh, int ow) {

    static WindowGeometry of(int[] dims, Ints window, Ints strides, Ints padLow, int[] out) {
        int r = dims.length;
        int[] win = window.toArray(), str = strides.toArray(), lo = padLow.toArray();
        boolean planar = true;
        int planes = 1;
        for (int d = 0; d < r - 2; d++) {
            planar &= win[d] == 1 && str[d] == 1 && lo[d] == 0 && out[d] == dims[d];
            planes *= dims[d];
        }
        int h = r >= 2 ? dims[r - 2] : 1, w = r >= 1 ? dims[r - 1] : 1;
        int wh = r >= 2 ? win[r - 2] : 1, ww = r >= 1 ? win[r - 1] : 1;
        int sh = r >= 2 ? str[r - 2] : 1, sw = r >= 1 ? str[r - 1] : 1;
        int ph = r >= 2 ? lo[r - 2] : 0, pw = r >= 1 ? lo[r - 1] : 0;
        int oh = r >= 2 ? out[r - 2] : 1, ow = r >= 1 ? out[r - 1] : 1;
        return new WindowGeometry(dims, win, str, lo, out, planar, planes, h, w, wh, ww, sh, sw, ph, pw, oh, ow);
    }

    /**
     * For each horizontal window offset dx, the outputs {@code [lo, hi)} whose tap dx reads
     * inside the row ({@code 0 <= ox*sw - pw + dx < w}): {@code {lo[0..ww), hi[0..ww)}}.
     * Precomputed because a division per row costs more than the row itself.
     */
    int[][] rowRanges() {
        int[] lo = new int[ww], hi = new int[ww];
        for (int dx = 0; dx < ww; dx++) {
            lo[dx] = Math.max(0, Math.floorDiv(pw - dx + sw - 1, sw));
            hi[dx] = Math.max(lo[dx], Math.min(ow, Math.floorDiv(w - 1 + pw - dx, sw) + 1));
        }
        return new int[][] {lo, hi};
    }

    /** A 2x2 window that never touches padding: the pooling of both paper CNNs, worth its own loop. */
    boolean inner2x2() {
        return planar && wh == 2 && ww == 2 && ph == 0 && pw == 0 && (oh - 1) * sh + 2 <= h && (ow - 1) * sw + 2 <= w;
    }

    int windowSize() {
        return ConvGeometry.product(window);
    }

    int outSize() {
        return ConvGeometry.product(out);
    }

    /**
     * Fills {@code at[k]} with the operand index read by window position k (row-major over the
     * window) of output {@code o}, or -1 for padding. {@code work} holds 2 * rank ints.
     */
    void windowIndices(int o, int[] at, int[] work) {
        int r = dims.length;
        int[] oi = work;
        Im2col.unravel(o, out, oi);
        int n = windowSize();
        for (int k = 0; k < n; k++) {
            int idx = 0;
            boolean real = true;
            int rem = k;
            for (int d = r - 1; d >= 0; d--) {
                int kd = rem % window[d];
                rem /= window[d];
                int pos = oi[d] * strides[d] + kd - padLow[d];
                real &= pos >= 0 && pos < dims[d];
                work[r + d] = pos;
            }
            if (real) {
                int stride = 1;
                for (int d = r - 1; d >= 0; d--) {
                    idx += work[r + d] * stride;
                    stride *= dims[d];
                }
            }
            at[k] = real ? idx : -1;
        }
    }
}
