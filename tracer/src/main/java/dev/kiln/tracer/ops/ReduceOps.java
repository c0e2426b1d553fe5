package dev.kiln.tracer.ops;

import dev.kiln.ir.DType;
import dev.kiln.ir.Ints;
import dev.kiln.ir.prim.ArgMax;
import dev.kiln.ir.prim.ReduceMax;
import dev.kiln.ir.prim.ReduceSum;
import dev.kiln.tracer.Dispatch;
import dev.kiln.tracer.Tensor;

/** Reductions over axes, with NumPy's {@code keepdims}. A null axes array means all axes. */
public final class ReduceOps {
    private ReduceOps() {
    }

    public static Tensor sum(Tensor t, int[] axes, boolean keepDims) {
        int[] a = ShapeOps.axes("sum", t, axes);
        if (t.dtype() == DType.BOOL) {
            t = ElementwiseOps.convert(t, DType.I32);
        }
        Tensor r = a.length == 0 ? t : Dispatch.bind(new ReduceSum(Ints.of(a)), t);
        return keepDims ? keep(r, t, a) : r;
    }

    public static Tensor mean(Tensor t, int[] axes, boolean keepDims) {
        int[] a = ShapeOps.axes("mean", t, axes);
        if (!t.dtype().isFloating()) {
            t = ElementwiseOps.convert(t, DType.F32);
        }
        long count = 1;
        for (int ax : a) {
            count *= t.shape().dim(ax);
        }
        return sum(t, a, keepDims).div((double) count);
    }

    public static Tensor amax(Tensor t, int[] axes, boolean keepDims) {
        int[] a = ShapeOps.axes("amax", t, axes);
        Tensor r = a.length == 0 ? t : Dispatch.bind(new ReduceMax(Ints.of(a)), t);
        return keepDims ? keep(r, t, a) : r;
    }

    public static Tensor amin(Tensor t, int[] axes, boolean keepDims) {
        return amax(t.neg(), axes, keepDims).neg();
    }

    public static Tensor argmax(Tensor t, int axis) {
        return Dispatch.bind(new ArgMax(ShapeOps.axis("argmax", t, axis), DType.I32), t);
    }

    /** {@code log(sum(exp(x)))} along {@code axis}, shifted by the (gradient-stopped) maximum. */
    public static Tensor logsumexp(Tensor t, int axis, boolean keepDims) {
        int a = ShapeOps.axis("logsumexp", t, axis);
        Tensor m = amax(t, new int[] {a}, true).stopGradient();
        Tensor finite = m.abs().lt(Double.POSITIVE_INFINITY);
        Tensor shift = Tensor.where(finite, m, 0.0);
        Tensor s = sum(t.sub(shift).exp(), new int[] {a}, true).log().add(shift);
        return keepDims ? s : ShapeOps.squeeze(s, a);
    }

    /** {@code r} (reduced over {@code axes} of {@code t}) with those axes back as size 1. */
    private static Tensor keep(Tensor r, Tensor t, int[] axes) {
        int[] dims = t.dims();
        for (int a : axes) {
            dims[a] = 1;
        }
        return ShapeOps.reshape(r, dims);
    }
}
