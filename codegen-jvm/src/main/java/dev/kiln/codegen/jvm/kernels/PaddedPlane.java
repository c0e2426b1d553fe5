package dev.kiln.codegen.jvm.kernels;

import java.util.Arrays;

/**
 * Copies one lhs feature plane of a convolution into a zero-padded buffer of extent
 * {@code padded} (padded coordinate {@code u} holds input coordinate {@code u - padLow}, zero
 * outside the input; negative padding crops), so the implicit-im2col plans read shifted views of
 * it with no bounds checks.
 */
final class PaddedPlane {
    private final ConvGeometry g;
    private final int[] padded;
    private final int[] inStrides;
    private final int size;

    PaddedPlane(ConvGeometry g, int[] padded) {
        this.g = g;
        this.padded = padded.clone();
        this.inStrides = Permute.rowMajorStrides(g.in());
        this.size = ConvGeometry.product(padded);
    }

    /** Elements of one padded plane. */
    int size() {
        return size;
    }

    /** Pads the plane at {@code lhs[src..]} into {@code dst[d .. d + size())}; {@code u} holds rank ints. */
    void copy(float[] lhs, int src, float[] dst, int d, int[] u) {
        int r = g.rank(), last = r - 1;
        int width = padded[last], rows = size / Math.max(1, width);
        int lead = g.padLow()[last];
        int from = Math.max(0, lead), to = Math.min(width, g.in()[last] + lead);
        for (int row = 0; row < rows; row++) {
            int rowStart = d + row * width;
            Im2col.unravel(row * width, padded, u);
            int s = src;
            boolean real = from < to;
            for (int x = 0; x < last && real; x++) {
                int pos = u[x] - g.padLow()[x];
                real = pos >= 0 && pos < g.in()[x];
                s += pos * inStrides[x];
            }
            if (!real) {
                Arrays.fill(dst, rowStart, rowStart + width, 0f);
                continue;
            }
            Arrays.fill(dst, rowStart, rowStart + from, 0f);
            System.arraycopy(lhs, s + from - lead, dst, rowStart + from, to - from);
            Arrays.fill(dst, rowStart + to, rowStart + width, 0f);
        }
    }
}
