package dev.kiln.tracer.ops;

import dev.kiln.ir.Ints;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Shape;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.Concatenate;
import dev.kiln.ir.prim.Pad;
import dev.kiln.ir.prim.Reshape;
import dev.kiln.ir.prim.Rev;
import dev.kiln.ir.prim.Slice;
import dev.kiln.ir.prim.Transpose;
import dev.kiln.tracer.Dispatch;
import dev.kiln.tracer.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Tensor operations that move elements around: reshape, transpose, broadcast, slice, pad, join. */
public final class ShapeOps {
    private ShapeOps() {
    }

    /** {@code axis} of {@code t} with negative values counted from the end, or an error. */
    public static int axis(String op, Tensor t, int axis) {
        return axis(op, t, axis, t.rank());
    }

    private static int axis(String op, Tensor t, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw error(op, "axis " + axis + " is out of range for " + t.type() + " (rank " + t.rank() + ")",
                    "valid axes are " + (-rank) + " to " + (rank - 1));
        }
        return a;
    }

    /** Normalised, sorted, distinct axes (all axes when {@code axes} is null). */
    public static int[] axes(String op, Tensor t, int[] axes) {
        if (axes == null) {
            return Ints.range(t.rank()).toArray();
        }
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            out[i] = axis(op, t, axes[i]);
        }
        Arrays.sort(out);
        for (int i = 1; i < out.length; i++) {
            if (out[i] == out[i - 1]) {
                throw error(op, "axis " + out[i] + " named twice in " + Arrays.toString(axes) + " for " + t.type(), null);
            }
        }
        return out;
    }

    public static Tensor reshape(Tensor t, int... shape) {
        int[] s = shape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) {
                    throw error("reshape", "only one dimension may be -1, got " + Arrays.toString(shape), null);
                }
                infer = i;
            } else if (s[i] < 0) {
                throw error("reshape", "negative dimension in " + Arrays.toString(shape), null);
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || t.numel() % known != 0) {
                throw error("reshape", "cannot reshape " + t.type() + " to " + Arrays.toString(shape), null);
            }
            s[infer] = (int) (t.numel() / known);
        }
        Shape target = Shape.of(s);
        if (target.numel() != t.numel()) {
            throw error("reshape", "cannot reshape " + t.type() + " (" + t.numel() + " elements) to "
                    + target + " (" + target.numel() + " elements)", null);
        }
        return target.equals(t.shape()) ? t : Dispatch.bind(new Reshape(target), t);
    }

    public static Tensor transpose(Tensor t, int... permutation) {
        int r = t.rank();
        int[] perm = new int[r];
        if (permutation.length == 0) {
            for (int i = 0; i < r; i++) {
                perm[i] = r - 1 - i;
            }
        } else {
            if (permutation.length != r) {
                throw error("transpose", "permutation " + Arrays.toString(permutation) + " does not match rank "
                        + r + " of " + t.type(), null);
            }
            boolean[] seen = new boolean[r];
            for (int i = 0; i < r; i++) {
                perm[i] = axis("transpose", t, permutation[i]);
                if (seen[perm[i]]) {
                    throw error("transpose", Arrays.toString(permutation) + " is not a permutation of the axes of "
                            + t.type(), null);
                }
                seen[perm[i]] = true;
            }
        }
        if (Arrays.equals(perm, Ints.range(r).toArray())) {
            return t;
        }
        return Dispatch.bind(new Transpose(Ints.of(perm)), t);
    }

    public static Tensor swapAxes(Tensor t, int a, int b) {
        int x = axis("swapAxes", t, a), y = axis("swapAxes", t, b);
        int[] perm = Ints.range(t.rank()).toArray();
        perm[x] = y;
        perm[y] = x;
        return transpose(t, perm);
    }

    public static Tensor moveAxis(Tensor t, int from, int to) {
        int f = axis("moveAxis", t, from), d = axis("moveAxis", t, to);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < t.rank(); i++) {
            if (i != f) {
                order.add(i);
            }
        }
        order.add(d, f);
        return transpose(t, order.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Broadcasts by NumPy's rules: trailing dimensions aligned, size-1 dimensions stretched. */
    public static Tensor broadcastTo(Tensor t, Shape shape) {
        if (t.shape().equals(shape)) {
            return t;
        }
        int off = shape.rank() - t.rank();
        if (off < 0) {
            throw error("broadcastTo", "cannot broadcast " + t.type() + " to the lower-rank shape " + shape, null);
        }
        int[] dims = new int[t.rank()];
        for (int i = 0; i < t.rank(); i++) {
            dims[i] = i + off;
            int d = t.shape().dim(i);
            if (d != 1 && d != shape.dim(i + off)) {
                throw error("broadcastTo", "cannot broadcast " + t.type() + " to " + shape + ": dimension " + i
                        + " is " + d + " but the target has " + shape.dim(i + off),
                        "shapes broadcast when, aligned at the right, each dimension is equal or 1");
            }
        }
        return Dispatch.bind(new BroadcastInDim(shape, Ints.of(dims)), t);
    }

    public static Tensor expandDims(Tensor t, int axis) {
        int a = axis("expandDims", t, axis, t.rank() + 1);
        return reshape(t, t.shape().with(a, 1).toArray());
    }

    public static Tensor squeeze(Tensor t, int... axes) {
        List<Integer> keep = new ArrayList<>();
        int[] drop = axes.length == 0 ? null : axes("squeeze", t, axes);
        for (int i = 0; i < t.rank(); i++) {
            boolean dropIt = drop == null ? t.shape().dim(i) == 1 : Arrays.binarySearch(drop, i) >= 0;
            if (dropIt && t.shape().dim(i) != 1) {
                throw error("squeeze", "axis " + i + " of " + t.type() + " has size " + t.shape().dim(i) + ", not 1", null);
            }
            if (!dropIt) {
                keep.add(t.shape().dim(i));
            }
        }
        return reshape(t, keep.stream().mapToInt(Integer::intValue).toArray());
    }

    public static Tensor flatten(Tensor t, int startDim) {
        int s = axis("flatten", t, startDim);
        int[] dims = new int[s + 1];
        for (int i = 0; i < s; i++) {
            dims[i] = t.shape().dim(i);
        }
        dims[s] = -1;
        if (t.numel() == 0) {
            int rest = 1;
            for (int i = s; i < t.rank(); i++) {
                rest *= t.shape().dim(i);
            }
            dims[s] = rest;
        }
        return reshape(t, dims);
    }

    /** Elements {@code start, start+step, ... < end} along {@code axis}; negative bounds count from the end. */
    public static Tensor slice(Tensor t, int axis, int start, int end, int step) {
        int a = axis("slice", t, axis);
        int n = t.shape().dim(a);
        int lo = start < 0 ? start + n : start;
        int hi = end < 0 ? end + n : end;
        if (lo < 0 || hi > n || lo > hi || step < 1) {
            throw error("slice", "[" + start + ":" + end + ":" + step + "] is out of range for axis " + axis
                    + " of " + t.type() + " (size " + n + ")", "bounds must satisfy 0 <= start <= end <= " + n + " and step >= 1");
        }
        int[] s = new int[t.rank()], l = t.dims(), st = new int[t.rank()];
        Arrays.fill(st, 1);
        s[a] = lo;
        l[a] = hi;
        st[a] = step;
        if (lo == 0 && hi == n && step == 1) {
            return t;
        }
        return Dispatch.bind(new Slice(Ints.of(s), Ints.of(l), Ints.of(st)), t);
    }

    /** Element {@code index} along {@code axis}, removing the axis. */
    public static Tensor index(Tensor t, int axis, int index) {
        int a = axis("index", t, axis);
        int n = t.shape().dim(a);
        int i = index < 0 ? index + n : index;
        if (i < 0 || i >= n) {
            throw error("index", "index " + index + " is out of range for axis " + axis + " of " + t.type(), null);
        }
        return reshape(slice(t, a, i, i + 1, 1), t.shape().without(a).toArray());
    }

    public static Tensor pad(Tensor t, int[] low, int[] high, double value) {
        if (low.length != t.rank() || high.length != t.rank()) {
            throw error("pad", "low " + Arrays.toString(low) + " and high " + Arrays.toString(high)
                    + " need one entry per dimension of " + t.type(), null);
        }
        return Dispatch.bind(new Pad(Ints.of(low), Ints.of(high), Ints.filled(t.rank(), 0)),
                t, Tensor.scalar(value, t.dtype()));
    }

    public static Tensor flip(Tensor t, int... axes) {
        int[] a = axes("flip", t, axes.length == 0 ? null : axes);
        return a.length == 0 ? t : Dispatch.bind(new Rev(Ints.of(a)), t);
    }

    public static Tensor concat(int axis, List<Tensor> parts) {
        if (parts.isEmpty()) {
            throw error("concat", "needs at least one tensor", null);
        }
        var dt = parts.get(0).dtype();
        for (Tensor p : parts) {
            dt = Broadcasting.promote(dt, p.dtype());
        }
        List<Tensor> same = new ArrayList<>();
        for (Tensor p : parts) {
            same.add(ElementwiseOps.convert(p, dt));
        }
        int a = axis("concat", same.get(0), axis);
        if (same.size() == 1) {
            return same.get(0);
        }
        return Dispatch.bind(new Concatenate(a), same);
    }

    public static Tensor stack(int axis, List<Tensor> parts) {
        if (parts.isEmpty()) {
            throw error("stack", "needs at least one tensor", null);
        }
        for (Tensor p : parts) {
            if (!p.shape().equals(parts.get(0).shape())) {
                throw error("stack", "tensors must have equal shapes, got " + parts.get(0).type() + " and " + p.type(), null);
            }
        }
        List<Tensor> expanded = new ArrayList<>();
        for (Tensor p : parts) {
            expanded.add(expandDims(p, axis));
        }
        int a = axis < 0 ? axis + parts.get(0).rank() + 1 : axis;
        return concat(a, expanded);
    }

    static KilnException error(String op, String detail, String hint) {
        return new KilnException(op, detail, SourceLocation.ofCaller(), hint);
    }
}
