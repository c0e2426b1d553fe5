package dev.kiln.tracer.ops;

import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Shape;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.prim.Gather;
import dev.kiln.ir.prim.ScatterAdd;
import dev.kiln.tracer.Dispatch;
import dev.kiln.tracer.Tensor;
import java.util.List;

/**
 * Indexing by integer tensors: row lookups ({@code take}, {@code embedding}) and per-row picks
 * ({@code pick}, the label pick of cross-entropy) over {@code gather}, their transpose
 * {@code scatterAdd}, and {@code oneHot}. Indices are i32; an index outside its axis is an error
 * when the program runs (the interpreter and the JVM backends check it).
 */
public final class IndexOps {
    private IndexOps() {
    }

    /**
     * NumPy's {@code take(table, indices, axis=0)}: rows of {@code table [V, R...]} chosen by
     * {@code indices [I...]}, giving {@code [I..., R...]}.
     */
    public static Tensor take(Tensor table, Tensor indices) {
        return take(table, indices, 0);
    }

    /**
     * NumPy's {@code take} along {@code axis}: the result has {@code table}'s shape with {@code axis}
     * replaced by the shape of {@code indices}.
     */
    public static Tensor take(Tensor table, Tensor indices, int axis) {
        checkIndices("take", indices);
        if (table.rank() == 0) {
            throw error("take", "cannot index a scalar " + table.type(), null);
        }
        int a = ShapeOps.axis("take", table, axis);
        Tensor moved = a == 0 ? table : ShapeOps.moveAxis(table, a, 0);
        Tensor g = Dispatch.bind(new Gather(0), moved, indices);
        if (a == 0) {
            return g;
        }
        // g is [I..., table dims without a]; put the index dims back where axis a was.
        int k = indices.rank();
        int[] perm = new int[g.rank()];
        int j = 0;
        for (int i = 0; i < a; i++) {
            perm[j++] = k + i;
        }
        for (int i = 0; i < k; i++) {
            perm[j++] = i;
        }
        for (int i = k + a; i < g.rank(); i++) {
            perm[j++] = i;
        }
        return ShapeOps.transpose(g, perm);
    }

    /** An embedding lookup: rows of {@code table [V, D]} for token ids {@code ids [...]}, giving {@code [..., D]}. */
    public static Tensor embedding(Tensor table, Tensor ids) {
        if (table.rank() != 2) {
            throw error("embedding", "table must be [vocab, dim], got " + table.type(), null);
        }
        checkIndices("embedding", ids);
        return Dispatch.bind(new Gather(0), table, ids);
    }

    /**
     * One element per row: {@code out[b] = x[b, indices[b]]} for {@code x [B..., C, R...]} and
     * {@code indices [B...]} (gather with {@code indices.rank()} batch dimensions), giving
     * {@code [B..., R...]}. With logits {@code [B, C]} and labels {@code [B]} this picks each
     * example's label logit.
     */
    public static Tensor pick(Tensor x, Tensor indices) {
        checkIndices("pick", indices);
        int nb = indices.rank();
        if (x.rank() < nb + 1 || !leadingDimsMatch(x.shape(), indices.shape())) {
            throw error("pick", "indices " + indices.type() + " must match the leading dimensions of " + x.type()
                    + " and leave one axis to pick from", "for logits [B, C] the indices are labels [B]");
        }
        return Dispatch.bind(new Gather(nb), x, indices);
    }

    private static boolean leadingDimsMatch(Shape x, Shape lead) {
        for (int i = 0; i < lead.rank(); i++) {
            if (x.dim(i) != lead.dim(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The transpose of {@link #take}: {@code operand [V, R...]} with each row of {@code updates
     * [I..., R...]} added at row {@code indices[i]}; repeated indices accumulate.
     */
    public static Tensor scatterAdd(Tensor operand, Tensor indices, Tensor updates) {
        return scatterAdd(operand, indices, updates, 0);
    }

    /** {@link #scatterAdd} with {@code batchDims} leading dimensions shared by all three operands. */
    public static Tensor scatterAdd(Tensor operand, Tensor indices, Tensor updates, int batchDims) {
        checkIndices("scatterAdd", indices);
        DType dt = Broadcasting.promote(operand.dtype(), updates.dtype());
        return Dispatch.bind(new ScatterAdd(batchDims), List.of(ElementwiseOps.convert(operand, dt), indices,
                ElementwiseOps.convert(updates, dt)));
    }

    /**
     * {@code [..., n]} with a one at each index and zeros elsewhere (an index outside {@code [0, n)}
     * gives an all-zero row, as in JAX). Built from iota and a comparison, not a gather, so it is
     * cheap to differentiate and to batch.
     */
    public static Tensor oneHot(Tensor indices, int n, DType dtype) {
        checkIndices("oneHot", indices);
        if (n < 1) {
            throw error("oneHot", "needs n >= 1 classes, got " + n, null);
        }
        Shape s = indices.shape().with(indices.rank(), n);
        Tensor classes = Tensor.iota(DType.I32, s, indices.rank());
        Tensor hot = ShapeOps.expandDims(indices, -1).eq(classes);
        return ElementwiseOps.convert(hot, dtype);
    }

    private static void checkIndices(String op, Tensor indices) {
        if (indices.dtype() != DType.I32) {
            throw error(op, "indices must be i32, got " + indices.type(),
                    indices.dtype().isFloating() ? "convert them with astype(DType.I32)" : null);
        }
    }

    private static KilnException error(String op, String detail, String hint) {
        return new KilnException(op, detail, SourceLocation.ofCaller(), hint);
    }
}
