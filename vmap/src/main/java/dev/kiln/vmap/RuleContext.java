package dev.kiln.vmap;

import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.Reshape;
import dev.kiln.ir.prim.Transpose;
import dev.kiln.tracer.Dispatch;
import dev.kiln.tracer.Tensor;
import java.util.List;

/**
 * What a batching rule works with: the batch size, the source line of the equation being
 * rewritten (every emitted equation keeps it, so errors and dumps still point at the user's code),
 * and the layout moves the rules share — moving a batch axis, inserting one by broadcasting, and
 * folding an axis into a neighbour or splitting it back out.
 */
record RuleContext(int size, SourceLocation source) {

    Tensor bind(Primitive p, Tensor... args) {
        return Dispatch.bind(p, List.of(args), source);
    }

    Tensor bind(Primitive p, List<Tensor> args) {
        return Dispatch.bind(p, args, source);
    }

    /** {@code t} with axis {@code from} moved to position {@code to} (others keep their order). */
    Tensor moveAxis(Tensor t, int from, int to) {
        if (from == to) {
            return t;
        }
        int[] perm = new int[t.rank()];
        for (int i = 0, j = 0; i < perm.length; i++) {
            if (i == to) {
                perm[i] = from;
            } else {
                if (j == from) {
                    j++;
                }
                perm[i] = j++;
            }
        }
        return bind(new Transpose(Ints.of(perm)), t);
    }

    /** The value with its batch axis at {@code to}, broadcasting an unbatched value. */
    Tensor materialize(BatchedValue v, int to) {
        return v.isBatched() ? moveAxis(v.value(), v.bdim(), to) : broadcastBatch(v.value(), to);
    }

    /** The value with its batch axis at {@code to}; the value must be batched. */
    Tensor moveBatch(BatchedValue v, int to) {
        if (!v.isBatched()) {
            throw new IllegalStateException("moveBatch of an unbatched value");
        }
        return moveAxis(v.value(), v.bdim(), to);
    }

    /** An unbatched value broadcast along a new batch axis at {@code at}. */
    Tensor broadcastBatch(Tensor t, int at) {
        int[] dims = new int[t.rank()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shift(i, at);
        }
        return bind(new BroadcastInDim(t.shape().with(at, size), Ints.of(dims)), t);
    }

    Tensor reshape(Tensor t, Shape s) {
        return s.equals(t.shape()) ? t : bind(new Reshape(s), t);
    }

    /**
     * Folds axis {@code src} into axis {@code dst} (numbered after {@code src} is removed), with
     * {@code src} as the major part: {@code [.., S, .., D, ..] -> [.., S*D, ..]}, new index
     * {@code s*D + d}.
     */
    Tensor mergeAxisInto(Tensor x, int src, int dst) {
        Tensor moved = moveAxis(x, src, dst);
        Shape s = moved.shape();
        int[] dims = new int[s.rank() - 1];
        for (int i = 0, j = 0; i < s.rank(); i++) {
            if (i == dst + 1) {
                dims[j - 1] *= s.dim(i);
            } else {
                dims[j++] = s.dim(i);
            }
        }
        return reshape(moved, Shape.of(dims));
    }

    /** Splits axis {@code axis} of size {@code outer * inner} into {@code [outer, inner]}. */
    Tensor splitAxis(Tensor x, int axis, int outer) {
        int n = x.shape().dim(axis);
        if (outer == 0 || n % outer != 0) {
            throw new IllegalStateException("cannot split axis " + axis + " of " + x.type() + " by " + outer);
        }
        Shape s = x.shape().with(axis, outer);
        int[] dims = s.toArray();
        dims[axis + 1] = n / outer;
        return reshape(x, Shape.of(dims));
    }

    /** Per-example axis {@code axis} renumbered for a value whose batch axis is at {@code bdim}. */
    static int shift(int axis, int bdim) {
        return axis >= bdim ? axis + 1 : axis;
    }

    /** Every per-example axis of {@code axes} renumbered around a batch axis at {@code bdim}. */
    static Ints shiftAll(Ints axes, int bdim) {
        int[] out = new int[axes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = shift(axes.get(i), bdim);
        }
        return Ints.of(out);
    }

    /** {@code v} with {@code value} inserted at position {@code at}. */
    static Ints insert(Ints v, int at, int value) {
        int[] out = new int[v.size() + 1];
        for (int i = 0, j = 0; i < out.length; i++) {
            out[i] = i == at ? value : v.get(j++);
        }
        return Ints.of(out);
    }
}
