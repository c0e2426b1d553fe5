package dev.kiln.codegen.jvm.kernels;

import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.ShapeRules;
import java.util.List;

/**
 * The sizes of one {@code conv_general_dilated}, with the grouping made explicit: the
 * convolution is {@code groups} independent convolutions, group {@code g} reading input features
 * {@code [g*I, (g+1)*I)} (feature groups) or batch slice {@code [g*N', (g+1)*N')} (batch groups)
 * and producing output features {@code [g*og, (g+1)*og)}.
 *
 * <p>Output element {@code (n', o, q)} of group g is
 * {@code sum_{i, t} rhs[o, i, t] * lhs[n, c, q*stride + t*rhsDilation - padLow]} where the lhs
 * position is in the lhs-dilated coordinates (only multiples of {@code lhsDilation} are real
 * elements, the rest are holes reading 0) and out-of-range positions read 0.
 *
 * @param n          lhs batch
 * @param c          lhs features ({@code i * featureGroups})
 * @param in         lhs spatial sizes
 * @param o          output features (rhs dim 0)
 * @param i          input features per group (rhs dim 1)
 * @param k          kernel spatial sizes
 * @param outBatch   output batch ({@code n / batchGroups})
 * @param out        output spatial sizes
 * @param featureGroups feature_group_count
 * @param batchGroups   batch_group_count
 */
record ConvGeometry(int n, int c, int[] in, int o, int i, int[] k, int outBatch, int[] out,
                    int[] stride, int[] padLow, int[] lhsDilation, int[] rhsDilation,
                    int featureGroups, int batchGroups) {

    static ConvGeometry of(ConvGeneralDilated p, TensorType lhs, TensorType rhs) {
        TensorType res = ShapeRules.infer(p, List.of(lhs, rhs));
        int d = p.spatialRank();
        int[] in = new int[d], k = new int[d], out = new int[d];
        for (int s = 0; s < d; s++) {
            in[s] = lhs.dim(s + 2);
            k[s] = rhs.dim(s + 2);
            out[s] = res.dim(s + 2);
        }
        return new ConvGeometry(lhs.dim(0), lhs.dim(1), in, rhs.dim(0), rhs.dim(1), k, res.dim(0), out,
                p.windowStrides().toArray(), p.padLow().toArray(), p.lhsDilation().toArray(),
                p.rhsDilation().toArray(), p.featureGroupCount(), p.batchGroupCount());
    }

    int rank() {
        return in.length;
    }

    /** Independent convolutions: the feature or the batch group count (at most one exceeds 1). */
    int groups() {
        return featureGroups * batchGroups;
    }

    /** Output features per group. */
    int og() {
        return o / groups();
    }

    static int product(int[] v) {
        long p = 1;
        for (int x : v) {
            p *= x;
        }
        return (int) p;
    }

    /** Kernel taps (product of the kernel's spatial sizes). */
    int taps() {
        return product(k);
    }

    /** Output positions per feature map. */
    int outPositions() {
        return product(out);
    }

    /** Input positions per feature map. */
    int inPositions() {
        return product(in);
    }

    /** The contraction depth of one output element: {@code I * taps}. */
    int depth() {
        return i * taps();
    }

    /** The lhs batch index of output batch {@code nOut} in group {@code g}. */
    int lhsBatch(int g, int nOut) {
        return batchGroups > 1 ? g * outBatch + nOut : nOut;
    }

    /** The lhs feature of group-local input feature {@code ii} in group {@code g}. */
    int lhsFeature(int g, int ii) {
        return featureGroups > 1 ? g * i + ii : ii;
    }

    long flops() {
        return 2L * outBatch * o * outPositions() * depth();
    }

    boolean lhsDilated() {
        for (int x : lhsDilation) {
            if (x != 1) {
                return true;
            }
        }
        return false;
    }

    TensorType outType(TensorType lhs) {
        int[] dims = new int[rank() + 2];
        dims[0] = outBatch;
        dims[1] = o;
        System.arraycopy(out, 0, dims, 2, rank());
        return TensorType.of(lhs.dtype(), dims);
    }
}
