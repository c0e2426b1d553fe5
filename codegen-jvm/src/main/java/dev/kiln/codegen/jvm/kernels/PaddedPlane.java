package dev.kiln.codegen.jvm.kernels;

import java.util.Arrays;

/**
 * Copies one lhs feature plane of a convolution into a zero-padded buffer (padded coordinate
 * {@code u} holds input coordinate {@code u - lead}, zero outside the input; a negative lead
 * crops), so the implicit-im2col plans read shifted views of it with no bounds checks.
 *
 * <p>With a split factor f per dim the buffer is polyphase: coordinate u lives in phase plane
 * {@code u mod f} at {@code u div f}. A convolution reading {@code u = q*stride + t*dilation}
 * then reads contiguously along q (f = stride) or along t (f = dilation), because
 * {@code (q*f + x) div f = q + x div f}. The offset of u is a sum over dims,
 * {@link #dimOffset}, so plans precompute per-dim tables.
 */
final class PaddedPlane {
    private final ConvGeometry g;
    private final int[] padded;
    private final int[] factor;
    private final int[] sub;
    private final int[] subStrides;
    private final int[] phaseStrides;
    private final int subSize;
    private final int size;
    private final int[] inStrides;
    private final int[] lead;
    private final boolean plain;

    /** A buffer of extent {@code padded}, split by {@code factor}, input shifted by {@code lead}. */
    PaddedPlane(ConvGeometry g, int[] padded, int[] factor, int[] lead) {
        this.g = g;
        this.lead = lead.clone();
        this.padded = padded.clone();
        this.factor = factor.clone();
        int r = padded.length;
        sub = new int[r];
        boolean ones = true;
        for (int s = 0; s < r; s++) {
            sub[s] = (padded[s] + factor[s] - 1) / factor[s];
            ones &= factor[s] == 1;
        }
        plain = ones;
        subStrides = Permute.rowMajorStrides(sub);
        phaseStrides = Permute.rowMajorStrides(factor);
        subSize = ConvGeometry.product(sub);
        size = subSize * ConvGeometry.product(factor);
        inStrides = Permute.rowMajorStrides(g.in());
    }

    /** The padded extent a convolution reads along each dim: {@code (out-1)*stride + (k-1)*dilation + 1}. */
    static int[] extent(ConvGeometry g) {
        int[] p = new int[g.rank()];
        for (int s = 0; s < g.rank(); s++) {
            p[s] = (g.out()[s] - 1) * g.stride()[s] + (g.k()[s] - 1) * g.rhsDilation()[s] + 1;
        }
        return p;
    }

    /** Elements of one padded (all phases) plane. */
    int size() {
        return size;
    }

    /** Strides of the coordinates {@code u div f} within a phase plane. */
    int[] subStrides() {
        return subStrides.clone();
    }

    /** The buffer offset contributed by padded coordinate {@code u} along dim {@code s}. */
    int dimOffset(int s, int u) {
        return u % factor[s] * phaseStrides[s] * subSize + u / factor[s] * subStrides[s];
    }

    /** Pads the plane at {@code lhs[src..]} into {@code dst[d .. d + size())}; {@code u} holds rank ints. */
    void copy(float[] lhs, int src, float[] dst, int d, int[] u) {
        if (!plain) {
            Arrays.fill(dst, d, d + size, 0f); // phase planes may have a ragged tail no coordinate maps to
        }
        int r = g.rank(), last = r - 1;
        int width = padded[last], rows = ConvGeometry.product(padded) / Math.max(1, width);
        int lastLead = lead[last];
        int from = Math.max(0, lastLead), to = Math.min(width, g.in()[last] + lastLead);
        for (int row = 0; row < rows; row++) {
            Im2col.unravel(row * width, padded, u);
            int s = src, rowOff = d;
            boolean real = from < to;
            for (int x = 0; x < last; x++) {
                int pos = u[x] - lead[x];
                real &= pos >= 0 && pos < g.in()[x];
                s += pos * inStrides[x];
                rowOff += dimOffset(x, u[x]);
            }
            if (plain) {
                if (!real) {
                    Arrays.fill(dst, rowOff, rowOff + width, 0f);
                    continue;
                }
                Arrays.fill(dst, rowOff, rowOff + from, 0f);
                System.arraycopy(lhs, s + from - lastLead, dst, rowOff + from, to - from);
                Arrays.fill(dst, rowOff + to, rowOff + width, 0f);
            } else if (real) {
                for (int x = from; x < to; x++) {
                    dst[rowOff + dimOffset(last, x)] = lhs[s + x - lastLead];
                }
            }
        }
    }
}
