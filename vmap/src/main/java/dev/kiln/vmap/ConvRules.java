package dev.kiln.vmap;

import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.ShapeRules;
import dev.kiln.tracer.Tensor;
import java.util.List;

/**
 * Batching of {@code conv_general_dilated} (lhs {@code [N,C,..]}, rhs {@code [O,I,..]}, out
 * {@code [N,O,..]}), always as ONE convolution: the batch axis is folded into an axis the
 * convolution already has and split back out of the result.
 * <ul>
 * <li>lhs batched: the examples join the conv's own batch N.
 * <li>rhs batched (per-example kernels, as in a per-example kernel gradient): the kernels are
 *     stacked along O and the output features split back per example.
 * <li>both: the examples become feature groups (or batch groups when the conv already has them),
 *     so example b's inputs meet only example b's kernels.
 * </ul>
 * Existing groups must stay the outermost part of the axis they split, so the batch is folded in
 * inside each group. This follows JAX's {@code _conv_general_dilated_batch_rule}, specialised to
 * Kiln's fixed layouts.
 */
final class ConvRules {
    private static final int N = 0;
    private static final int C = 1;
    private static final int O = 0;
    private static final int OUT_FEATURES = 1;

    private ConvRules() {
    }

    static BatchedValue conv(ConvGeneralDilated c, BatchedValue lhs, BatchedValue rhs, RuleContext cx) {
        int b = cx.size();
        if (b == 0) {
            return empty(c, lhs, rhs, cx);
        }
        int g = c.featureGroupCount(), bg = c.batchGroupCount();
        if (lhs.isBatched() && rhs.isBatched()) {
            Tensor newRhs = cx.mergeAxisInto(rhs.value(), rhs.bdim(), O);
            Tensor out;
            if (bg > 1) {
                Tensor newLhs = cx.mergeAxisInto(lhs.value(), lhs.bdim(), N);
                out = cx.bind(withGroups(c, g, bg * b), newLhs, newRhs);
            } else {
                Tensor newLhs = cx.mergeAxisInto(lhs.value(), lhs.bdim(), C);
                out = cx.bind(withGroups(c, g * b, bg), newLhs, newRhs);
            }
            return BatchedValue.batched(cx.splitAxis(out, OUT_FEATURES, b), OUT_FEATURES);
        }
        if (lhs.isBatched()) {
            Tensor newLhs = bg == 1 ? cx.mergeAxisInto(lhs.value(), lhs.bdim(), N)
                    : foldInsideGroups(lhs.value(), lhs.bdim(), N, bg, cx);
            Tensor out = cx.bind(c, newLhs, rhs.value());
            return BatchedValue.batched(cx.splitAxis(out, N, b), N);
        }
        if (g == 1 && bg == 1) {
            Tensor out = cx.bind(c, lhs.value(), cx.mergeAxisInto(rhs.value(), rhs.bdim(), O));
            return BatchedValue.batched(cx.splitAxis(out, OUT_FEATURES, b), OUT_FEATURES);
        }
        int groups = g > 1 ? g : bg;
        Tensor out = cx.bind(c, lhs.value(), foldInsideGroups(rhs.value(), rhs.bdim(), O, groups, cx));
        // out features are [groups, b, O/groups]; put the examples outside the groups again.
        out = cx.splitAxis(out, OUT_FEATURES, groups);
        out = cx.splitAxis(out, OUT_FEATURES + 1, b);
        out = cx.mergeAxisInto(out, OUT_FEATURES, OUT_FEATURES + 1);
        return BatchedValue.batched(out, OUT_FEATURES);
    }

    /**
     * Folds the batch axis {@code bdim} of {@code x} into axis {@code axis} (per-example
     * numbering), which is split into {@code groups} outer groups: {@code [groups*K]} becomes
     * {@code [groups*B*K]} with index {@code (group*B + b)*K + k}.
     */
    private static Tensor foldInsideGroups(Tensor x, int bdim, int axis, int groups, RuleContext cx) {
        int at = RuleContext.shift(axis, bdim);
        Tensor split = cx.splitAxis(x, at, groups);
        int batchAt = bdim > at ? bdim + 1 : bdim;
        Tensor inner = cx.mergeAxisInto(split, batchAt, axis + 1);
        return cx.mergeAxisInto(inner, axis, axis);
    }

    private static ConvGeneralDilated withGroups(ConvGeneralDilated c, int featureGroups, int batchGroups) {
        return new ConvGeneralDilated(c.windowStrides(), c.padLow(), c.padHigh(), c.lhsDilation(), c.rhsDilation(),
                featureGroups, batchGroups);
    }

    /** With no examples, folding the batch would make group counts zero: the result is empty. */
    private static BatchedValue empty(ConvGeneralDilated c, BatchedValue lhs, BatchedValue rhs, RuleContext cx) {
        TensorType out = ShapeRules.infer(c, List.of(exampleType(lhs), exampleType(rhs)));
        Shape shape = out.shape().with(0, 0);
        Tensor zeros = cx.bind(new BroadcastInDim(shape, Ints.empty()), Tensor.scalar(0, out.dtype()));
        return BatchedValue.batched(zeros, 0);
    }

    private static TensorType exampleType(BatchedValue v) {
        return v.isBatched() ? v.value().type().withShape(v.value().shape().without(v.bdim())) : v.value().type();
    }
}
