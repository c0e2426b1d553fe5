package dev.kiln.ir.interp;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.ConvGeneralDilated;

/**
 * Evaluation of conv_general_dilated, following XLA's semantics (lhs {@code [N,C,spatial]}, rhs
 * {@code [O,I,spatial]}, output {@code [N/B,O,spatial']}):
 * <pre>
 * out[n, o, s] = sum_{i < I} sum_{taps k} lhs[nIn, c, p(s, k)] * rhs[o, i, k]
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
        int batchIn = ls.dim(0), channels = ls.dim(1);
        int features = rs.dim(0), inPerGroup = rs.dim(1);
        int batchOut = os.dim(0);
        int inSpatial = IndexMaps.product(ls, 2, ns + 2);
        int kSpatial = IndexMaps.product(rs, 2, ns + 2);
        int outSpatial = IndexMaps.product(os, 2, ns + 2);
        int featuresPerGroup = features / c.featureGroupCount();
        int featuresPerBatchGroup = features / c.batchGroupCount();
        int batchPerGroup = batchIn / c.batchGroupCount();

        int[] inDims = new int[ns], outDims = new int[ns], kDims = new int[ns];
        for (int d = 0; d < ns; d++) {
            inDims[d] = ls.dim(d + 2);
            outDims[d] = os.dim(d + 2);
            kDims[d] = rs.dim(d + 2);
        }
        WindowTaps window = new WindowTaps(inDims, Shape.of(inDims).strides(), outDims, kDims,
                c.windowStrides().toArray(), c.padLow().toArray(), c.lhsDilation().toArray(), c.rhsDilation().toArray());

        double[] x = Buffers.doubles(lhs), w = Buffers.doubles(rhs);
        double[] y = new double[out.numel()];
        int[] taps = new int[kSpatial], offsets = new int[kSpatial];
        int[] outIdx = new int[ns];
        for (int s = 0; s < outSpatial; s++, IndexMaps.next(outIdx, outDims)) {
            int count = window.collect(outIdx, taps, offsets);
            for (int n = 0; n < batchOut; n++) {
                for (int o = 0; o < features; o++) {
                    int group = o / featuresPerGroup;
                    int nIn = o / featuresPerBatchGroup * batchPerGroup + n;
                    double acc = 0;
                    for (int i = 0; i < inPerGroup; i++) {
                        int xBase = (nIn * channels + group * inPerGroup + i) * inSpatial;
                        int wBase = (o * inPerGroup + i) * kSpatial;
                        for (int t = 0; t < count; t++) {
                            acc += x[xBase + offsets[t]] * w[wBase + taps[t]];
                        }
                    }
                    y[(n * features + o) * outSpatial + s] = acc;
                }
            }
        }
        return Buffers.fromDoubles(out, y);
    }
}
