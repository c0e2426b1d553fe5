package dev.kiln.codegen.jvm.kernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

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
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

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
    private final boolean hasPadding;
    /** Per real row (all dims but the last inside the input): input offset of its first real element. */
    private final int[] realSrc;
    /** Per real row: buffer offset of its first real element (plain) or of its padded coordinate 0 along the last dim. */
    private final int[] realDst;
    /** Real elements per row. */
    private final int realLength;
    /** Buffer offset of the k-th real element of a row along the last dim (polyphase buffers). */
    private final int[] lastAt;

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
        int last = r - 1, width = padded[last];
        int from = Math.max(0, lead[last]), to = Math.max(from, Math.min(width, g.in()[last] + lead[last]));
        realLength = to - from;
        lastAt = new int[realLength];
        for (int x = from; x < to; x++) {
            lastAt[x - from] = dimOffset(last, x);
        }
        List<int[]> rows = new ArrayList<>();
        int rowCount = ConvGeometry.product(padded) / Math.max(1, width);
        int[] u = new int[r];
        for (int row = 0; row < rowCount && realLength > 0; row++) {
            Im2col.unravel(row * width, padded, u);
            int src = from - lead[last], dst = plain ? dimOffset(last, from) : 0;
            boolean real = true;
            for (int x = 0; x < last; x++) {
                int pos = u[x] - lead[x];
                real &= pos >= 0 && pos < g.in()[x];
                src += pos * inStrides[x];
                dst += dimOffset(x, u[x]);
            }
            if (real) {
                rows.add(new int[] {src, dst});
            }
        }
        realSrc = rows.stream().mapToInt(x -> x[0]).toArray();
        realDst = rows.stream().mapToInt(x -> x[1]).toArray();
        hasPadding = (long) rows.size() * realLength < size;
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

    /** True when some position of the buffer holds no input element (padding, or a ragged phase tail). */
    boolean hasPadding() {
        return hasPadding;
    }

    /** Pads the plane at {@code lhs[src..]} into {@code dst[d .. d + size())}; {@code u} is unused (kept for callers). */
    void copy(float[] lhs, int src, float[] dst, int d, int[] u) {
        if (hasPadding) {
            Arrays.fill(dst, d, d + size, 0f);
        }
        copyReal(lhs, src, dst, d);
    }

    /**
     * Writes only the buffer positions that hold input elements; the caller has zeroed the rest
     * (the padding positions are the same for every plane of this geometry, so a buffer reused for
     * many planes is zeroed once).
     */
    void copyReal(float[] lhs, int src, float[] dst, int d) {
        int len = realLength;
        if (plain) {
            for (int r = 0; r < realSrc.length; r++) {
                copyRun(lhs, src + realSrc[r], dst, d + realDst[r], len);
            }
            return;
        }
        for (int r = 0; r < realSrc.length; r++) {
            int s = src + realSrc[r], t = d + realDst[r];
            for (int x = 0; x < len; x++) {
                dst[t + lastAt[x]] = lhs[s + x];
            }
        }
    }

    /** A short copy: whole vectors, the last one overlapping the previous (same values), or scalars below a vector. */
    private static void copyRun(float[] src, int s, float[] dst, int d, int len) {
        if (len < L) {
            for (int x = 0; x < len; x++) {
                dst[d + x] = src[s + x];
            }
            return;
        }
        int x = 0;
        for (; x + L < len; x += L) {
            FloatVector.fromArray(S, src, s + x).intoArray(dst, d + x);
        }
        FloatVector.fromArray(S, src, s + len - L).intoArray(dst, d + len - L);
    }
}
