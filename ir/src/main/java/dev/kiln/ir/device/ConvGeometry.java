package dev.kiln.ir.device;

import dev.kiln.ir.Shape;
import dev.kiln.ir.prim.ConvGeneralDilated;

/**
 * A conv_general_dilated as an implicit batched matrix product, the form GPU backends tile: for
 * each group {@code g} (feature groups or batch groups),
 * {@code out[g][m, col] = sum_kk W[g][m, kk] * X[g][kk, col]} where {@code m} runs over the
 * group's output features, {@code kk = i * taps + tap} over its input channels and kernel taps,
 * and {@code col = n * outSpatial + s} over output images and positions. {@code W} is the kernel
 * read in place; {@code X} is the im2col matrix, never stored: its element is the input pixel that
 * tap reads at that position, or 0 on padding and dilation holes ({@link #lhsOffset}).
 * Accumulation order over {@code kk} (channel, then tap) is the reference interpreter's.
 */
public record ConvGeometry(int spatialRank, int batchIn, int channels, int features, int inPerGroup, int batchOut,
                           int[] inDims, int[] outDims, int[] kernelDims, int[] strides, int[] padLow,
                           int[] lhsDilation, int[] rhsDilation, int groups, int perGroup, int channelStride,
                           int batchStride) {

    public static ConvGeometry of(ConvGeneralDilated c, Shape lhs, Shape rhs, Shape out) {
        int ns = c.spatialRank();
        int[] in = new int[ns], o = new int[ns], k = new int[ns];
        for (int d = 0; d < ns; d++) {
            in[d] = lhs.dim(d + 2);
            o[d] = out.dim(d + 2);
            k[d] = rhs.dim(d + 2);
        }
        int groups = c.featureGroupCount() * c.batchGroupCount();
        int features = rhs.dim(0);
        return new ConvGeometry(ns, lhs.dim(0), lhs.dim(1), features, rhs.dim(1), out.dim(0), in, o, k,
                c.windowStrides().toArray(), c.padLow().toArray(), c.lhsDilation().toArray(), c.rhsDilation().toArray(),
                groups, groups == 0 ? 0 : features / groups,
                c.featureGroupCount() > 1 ? rhs.dim(1) : 0,
                c.batchGroupCount() > 1 ? lhs.dim(0) / c.batchGroupCount() : 0);
    }

    /** Kernel taps per channel (the product of the kernel's spatial dimensions). */
    public int taps() {
        return product(kernelDims);
    }

    public int inSpatial() {
        return product(inDims);
    }

    public int outSpatial() {
        return product(outDims);
    }

    /** The depth of each group's product: input channels times taps. */
    public int depth() {
        return inPerGroup * taps();
    }

    /** The columns of each group's product: output images times output positions. */
    public int columns() {
        return batchOut * outSpatial();
    }

    /** The padded, dilated input extent along spatial dimension {@code d}. */
    public int dilatedExtent(int d) {
        return inDims[d] == 0 ? 0 : (inDims[d] - 1) * lhsDilation[d] + 1;
    }

    /** The kernel element of {@code W[g][m, kk]}. */
    public long rhsOffset(int g, int m, int kk) {
        return (long) (g * perGroup + m) * depth() + kk;
    }

    /** The output element of {@code out[g][m, col]}. */
    public long outOffset(int g, int m, int col) {
        int n = col / outSpatial(), s = col % outSpatial();
        return ((long) n * features + g * perGroup + m) * outSpatial() + s;
    }

    /** The input element that {@code X[g][kk, col]} reads, or -1 where it is padding or a dilation hole. */
    public long lhsOffset(int g, int kk, int col) {
        int i = kk / taps(), tap = kk % taps();
        int n = col / outSpatial(), s = col % outSpatial();
        long pixel = 0;
        for (int d = spatialRank - 1, tapRest = tap, sRest = s, inStride = 1; d >= 0; d--) {
            int t = tapRest % kernelDims[d], o = sRest % outDims[d];
            tapRest /= kernelDims[d];
            sRest /= outDims[d];
            int p = o * strides[d] + t * rhsDilation[d] - padLow[d];
            if (p < 0 || p >= dilatedExtent(d) || p % lhsDilation[d] != 0) {
                return -1;
            }
            pixel += (long) (p / lhsDilation[d]) * inStride;
            inStride *= inDims[d];
        }
        int image = g * batchStride + n, channel = g * channelStride + i;
        return ((long) image * channels + channel) * inSpatial() + pixel;
    }

    private static int product(int[] a) {
        int p = 1;
        for (int v : a) {
            p *= v;
        }
        return p;
    }
}
