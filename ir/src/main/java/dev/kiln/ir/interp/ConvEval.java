package dev.kiln.ir.interp;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.ConvGeneralDilated;

/**
 * Evaluation of conv_general_dilated, following XLA's semantics (lhs {@code [N,C,spatial]}, rhs
 * {@code [O,I,spatial]}, output {@code [N/B,O,spatial']}):
 * <pre>
 * out[n, o, s] = sum_{i < I} sum_{taps k} lhs[nIn, c, p(s, k)] * rhs[o, i, k]   (i, then k ascending)
 *   feature group  g = o / (O/G),  c   = g*I + i
 *   batch group    h = o / (O/B),  nIn = h*(N/B) + n
 * </pre>
 * where {@code p(s, k)} is the input element read by tap {@code k} at output position {@code s}
 * ({@link WindowTaps}); taps on padding or on lhs-dilation holes contribute nothing. Negative
 * padding crops. Products accumulate in double and round once to the result dtype.
 */
final class ConvEval {
    private ConvEval() {
    }

    static ArrayData conv(ConvGeneralDilated c, ArrayData lhs, ArrayData rhs, TensorType out) {
        int ns = c.spatialRank();
        Shape ls = lhs.shape(), rs = rhs.shape(), os = out.shape();
        int channels = ls.dim(1), features = rs.dim(0), inPerGroup = rs.dim(1), batchOut = os.dim(0);
        int inSpatial = IndexMaps.product(ls, 2, ns + 2);
        int kSpatial = IndexMaps.product(rs, 2, ns + 2);
        int outSpatial = IndexMaps.product(os, 2, ns + 2);
        // At most one of the two group counts exceeds 1, so one group index serves both: it picks the
        // input channels (feature groups) or the lhs batch slice (batch groups) of a run of features.
        int groups = c.featureGroupCount() * c.batchGroupCount();
        int perGroup = groups == 0 ? 0 : features / groups;
        int channelStride = c.featureGroupCount() > 1 ? inPerGroup : 0;
        int batchStride = c.batchGroupCount() > 1 ? ls.dim(0) / c.batchGroupCount() : 0;

        int[] inDims = new int[ns], outDims = new int[ns], kDims = new int[ns];
        for (int d = 0; d < ns; d++) {
            inDims[d] = ls.dim(d + 2);
            outDims[d] = os.dim(d + 2);
            kDims[d] = rs.dim(d + 2);
        }
        WindowTaps window = new WindowTaps(inDims, Shape.of(inDims).strides(), outDims, kDims,
                c.windowStrides().toArray(), c.padLow().toArray(), c.lhsDilation().toArray(), c.rhsDilation().toArray());

        double[] x = Buffers.doubles(lhs);
        double[] w = featuresInnermost(Buffers.doubles(rhs), groups, perGroup, inPerGroup * kSpatial);
        double[] y = new double[out.numel()];
        double[] acc = new double[perGroup];
        int[] taps = new int[kSpatial], offsets = new int[kSpatial];
        int[] outIdx = new int[ns];
        for (int s = 0; s < outSpatial; s++, IndexMaps.next(outIdx, outDims)) {
            int count = window.collect(outIdx, taps, offsets);
            for (int n = 0; n < batchOut; n++) {
                for (int g = 0; g < groups; g++) {
                    java.util.Arrays.fill(acc, 0);
                    for (int i = 0; i < inPerGroup; i++) {
                        int xBase = ((g * batchStride + n) * channels + g * channelStride + i) * inSpatial;
                        int wBase = (g * inPerGroup + i) * kSpatial;
                        for (int t = 0; t < count; t++) {
                            double xv = x[xBase + offsets[t]];
                            int wRow = (wBase + taps[t]) * perGroup;
                            for (int o = 0; o < perGroup; o++) {
                                acc[o] += xv * w[wRow + o];
                            }
                        }
                    }
                    for (int o = 0; o < perGroup; o++) {
                        y[(n * features + g * perGroup + o) * outSpatial + s] = acc[o];
                    }
                }
            }
        }
        return Buffers.fromDoubles(out, y);
    }

    /**
     * The kernel {@code [groups * perGroup, I * taps]} rearranged to {@code [groups, I * taps, perGroup]},
     * so the innermost loop runs over the output features of a group on contiguous memory.
     */
    private static double[] featuresInnermost(double[] w, int groups, int perGroup, int rowLength) {
        double[] t = new double[w.length];
        for (int g = 0; g < groups; g++) {
            for (int o = 0; o < perGroup; o++) {
                for (int k = 0; k < rowLength; k++) {
                    t[(g * rowLength + k) * perGroup + o] = w[(g * perGroup + o) * rowLength + k];
                }
            }
        }
        return t;
    }
}
