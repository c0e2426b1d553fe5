package dev.kiln.autodiff;

import dev.kiln.ir.Ints;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.CompareOp;
import dev.kiln.ir.prim.ReduceWindow;
import dev.kiln.ir.prim.SelectAndScatterAdd;
import dev.kiln.ir.prim.UnaryOp;
import dev.kiln.ir.prim.WindowKind;
import dev.kiln.tracer.Tensor;

/**
 * VJP rules of pooling. Sum pooling's transpose is a sum pooling (stride 1) of the cotangent
 * spread out by interior padding (JAX's {@code _reduce_window_sum_transpose_rule}); max pooling's
 * is {@code select_and_scatter_add}. That one is linear in its source, and its own VJP gathers the
 * cotangent at each window's (first) maximum; with no gather-at-window-argmax primitive in the
 * IR, that is unrolled over the window's offsets (one strided slice each), so it costs
 * O(window size) equations: fine for pooling windows, which are small.
 */
final class WindowVjp {
    private WindowVjp() {
    }

    static Tensor[] reduceWindow(ReduceWindow w, VjpCall c) {
        Tensor[] out = c.none();
        out[0] = switch (w.kind()) {
            case SUM -> sumPoolTranspose(c.e(), w, c.inType(0), c.ct());
            case MAX -> c.e().bind(new SelectAndScatterAdd(w.windowDims(), w.strides(), w.padLow(), w.padHigh()),
                    c.ct(), c.in(0));
        };
        return out;
    }

    private static Tensor sumPoolTranspose(Emitter e, ReduceWindow w, TensorType x, Tensor ct) {
        int r = x.rank();
        int[] before = new int[r], after = new int[r], interior = new int[r];
        for (int i = 0; i < r; i++) {
            int window = w.windowDims().get(i), stride = w.strides().get(i), n = ct.shape().dim(i);
            int outDilated = n == 0 ? 0 : (n - 1) * stride + 1;
            before[i] = window - w.padLow().get(i) - 1;
            after[i] = x.dim(i) + window - 1 - outDilated - before[i];
            interior[i] = stride - 1;
        }
        Tensor spread = e.pad(ct, 0, before, after, interior);
        Ints zeros = Ints.filled(r, 0);
        return e.bind(new ReduceWindow(WindowKind.SUM, w.windowDims(), Ints.filled(r, 1), zeros, zeros), spread);
    }

    /**
     * Operands (source, operand): the result is linear in the source; the operand only chooses
     * positions (piecewise constant), so it gets no cotangent.
     */
    static Tensor[] selectAndScatterAdd(SelectAndScatterAdd s, VjpCall c) {
        Tensor[] out = c.none();
        if (c.needs(0)) {
            out[0] = gatherAtWindowMax(c.e(), s, c.in(1), c.ct(), c.inType(0));
        }
        return out;
    }

    /** {@code out[w] = ct[first argmax of window w of operand]}, the transpose of select_and_scatter_add. */
    private static Tensor gatherAtWindowMax(Emitter e, SelectAndScatterAdd s, Tensor operand, Tensor ct,
                                            TensorType source) {
        if (source.numel() == 0) {
            return e.zeros(source);
        }
        int r = operand.rank();
        int[] lo = s.padLow().toArray(), hi = s.padHigh().toArray(), none = new int[r];
        Tensor xp = e.pad(operand, Double.NEGATIVE_INFINITY, lo, hi, none);
        Tensor gp = e.pad(ct, 0, lo, hi, none);
        Tensor max = e.bind(new ReduceWindow(WindowKind.MAX, s.windowDims(), s.strides(), s.padLow(), s.padHigh()),
                operand);
        Tensor zero = Emitter.scalar(0, ct.dtype());
        Tensor found = null, sum = null;
        int[] offset = new int[r];
        do {
            int[] start = new int[r], limit = new int[r];
            for (int i = 0; i < r; i++) {
                start[i] = offset[i];
                limit[i] = offset[i] + (source.dim(i) - 1) * s.strides().get(i) + 1;
            }
            int[] strides = s.strides().toArray();
            Tensor hit = e.compare(CompareOp.EQ, e.slice(xp, start, limit, strides), max);
            // Ties go to the first maximum in window order, as select_and_scatter_add does.
            Tensor take = found == null ? hit : e.binary(BinaryOp.AND, hit, e.unary(UnaryOp.NOT, found));
            found = found == null ? hit : e.binary(BinaryOp.OR, found, hit);
            Tensor term = e.select(take, e.slice(gp, start, limit, strides), zero);
            sum = sum == null ? term : e.add(sum, term);
        } while (next(offset, s.windowDims()));
        return sum;
    }

    /** Advances a row-major multi-index within {@code bounds}; false after the last one. */
    private static boolean next(int[] index, Ints bounds) {
        for (int i = index.length - 1; i >= 0; i--) {
            if (++index[i] < bounds.get(i)) {
                return true;
            }
            index[i] = 0;
        }
        return false;
    }
}
