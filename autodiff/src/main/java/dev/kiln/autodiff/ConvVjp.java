package dev.kiln.autodiff;

import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.Rev;
import dev.kiln.tracer.Tensor;
import java.util.stream.IntStream;

/**
 * The VJP of {@code conv_general_dilated} (JAX's {@code _conv_general_dilated_transpose_lhs/rhs}).
 *
 * <p>Input gradient: a convolution of the output cotangent with the spatially flipped kernel, its
 * in/out features swapped, with {@code lhs_dilation = stride} (putting back the positions the
 * stride skipped) and {@code stride = lhs_dilation}. Feature groups (and batch groups) move from
 * the kernel's output features into its input features.
 *
 * <p>Kernel gradient: a convolution of the input, with batch and features swapped, by the output
 * cotangent used as a kernel ({@code rhs_dilation = stride}, {@code stride = rhs_dilation}).
 * Feature groups of the forward conv become batch groups here, and batch groups feature groups:
 * that is what {@code batch_group_count} exists for.
 *
 * <p>Kiln's conv layout is fixed ({@code [N,C,..]}, {@code [O,I,..]}, {@code [N,O,..]}), so where
 * JAX swaps dimension numbers this inserts transposes of the two leading dimensions.
 */
final class ConvVjp {
    private ConvVjp() {
    }

    static Tensor[] conv(ConvGeneralDilated p, VjpCall c) {
        Tensor[] out = c.none();
        if (c.needs(0)) {
            out[0] = lhsGrad(c.e(), p, c.inType(0), c.in(1), c.ct());
        }
        if (c.needs(1)) {
            out[1] = rhsGrad(c.e(), p, c.in(0), c.inType(1), c.ct());
        }
        return out;
    }

    private static Tensor lhsGrad(Emitter e, ConvGeneralDilated p, TensorType lhs, Tensor rhs, Tensor g) {
        int n = p.spatialRank();
        int groups = Math.max(p.featureGroupCount(), p.batchGroupCount());
        Tensor k = groups > 1 ? groupsIntoInputFeatures(e, rhs, groups) : rhs;
        k = e.transpose(k, swapLeading(n + 2));
        k = e.bind(new Rev(Ints.range(2, n + 2)), k);
        int[] before = new int[n], after = new int[n];
        for (int i = 0; i < n; i++) {
            int in = dilate(lhs.dim(i + 2), p.lhsDilation().get(i));
            int window = dilate(rhs.shape().dim(i + 2), p.rhsDilation().get(i));
            int outDilated = dilate(g.shape().dim(i + 2), p.windowStrides().get(i));
            before[i] = window - p.padLow().get(i) - 1;
            after[i] = in + window - 1 - outDilated - before[i];
        }
        var t = new ConvGeneralDilated(p.lhsDilation(), Ints.of(before), Ints.of(after), p.windowStrides(),
                p.rhsDilation(), groups, 1);
        Tensor r = e.bind(t, g, k);
        if (p.batchGroupCount() > 1) {
            // r is [N/B, B*C, ..]: batch group b holds examples b*N/B .. (b+1)*N/B - 1.
            int b = p.batchGroupCount();
            int[] d = r.dims();
            int[] split = new int[n + 3];
            split[0] = d[0];
            split[1] = b;
            split[2] = d[1] / b;
            System.arraycopy(d, 2, split, 3, n);
            Tensor s = e.transpose(e.reshape(r, Shape.of(split)), swapLeading(n + 3));
            r = e.reshape(s, lhs.shape());
        }
        return r;
    }

    private static Tensor rhsGrad(Emitter e, ConvGeneralDilated p, Tensor lhs, TensorType rhs, Tensor g) {
        int n = p.spatialRank();
        if (g.numel() == 0) {
            return e.zeros(rhs);
        }
        int[] lo = new int[n], hi = new int[n];
        for (int i = 0; i < n; i++) {
            int in = dilate(lhs.shape().dim(i + 2), p.lhsDilation().get(i));
            int window = dilate(rhs.dim(i + 2), p.rhsDilation().get(i));
            int outDilated = dilate(g.shape().dim(i + 2), p.windowStrides().get(i));
            lo[i] = p.padLow().get(i);
            hi[i] = outDilated - in + window - lo[i] - 1;
        }
        int featureGroups = p.batchGroupCount() > 1 ? p.batchGroupCount() : 1;
        int batchGroups = p.featureGroupCount() > 1 ? p.featureGroupCount() : 1;
        var t = new ConvGeneralDilated(p.rhsDilation(), Ints.of(lo), Ints.of(hi), p.lhsDilation(),
                p.windowStrides(), featureGroups, batchGroups);
        int[] swap = swapLeading(n + 2);
        Tensor r = e.bind(t, e.transpose(lhs, swap), e.transpose(g, swap));
        return e.transpose(r, swap);
    }

    /** {@code [O, I, ..]} to {@code [O/G, G*I, ..]}, the group index major in the new input features. */
    private static Tensor groupsIntoInputFeatures(Emitter e, Tensor rhs, int groups) {
        int[] d = rhs.dims();
        int n = d.length - 2;
        int[] split = new int[n + 3];
        split[0] = groups;
        split[1] = d[0] / groups;
        split[2] = d[1];
        System.arraycopy(d, 2, split, 3, n);
        Tensor s = e.transpose(e.reshape(rhs, Shape.of(split)), swapLeading(n + 3));
        int[] merged = d.clone();
        merged[0] = d[0] / groups;
        merged[1] = groups * d[1];
        return e.reshape(s, Shape.of(merged));
    }

    /** The permutation swapping dimensions 0 and 1. */
    private static int[] swapLeading(int rank) {
        int[] perm = IntStream.range(0, rank).toArray();
        perm[0] = 1;
        perm[1] = 0;
        return perm;
    }

    private static int dilate(int size, int dilation) {
        return size == 0 ? 0 : 1 + dilation * (size - 1);
    }
}
