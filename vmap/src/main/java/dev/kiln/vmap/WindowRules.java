package dev.kiln.vmap;

import dev.kiln.ir.prim.ReduceWindow;
import dev.kiln.ir.prim.SelectAndScatterAdd;

/**
 * Batching of pooling and its gradient: the batch axis gets a window of 1, stride 1 and no
 * padding, so each example is pooled on its own and the pooled batch axis keeps its size.
 */
final class WindowRules {
    private WindowRules() {
    }

    static BatchedValue reduceWindow(ReduceWindow w, BatchedValue x, RuleContext cx) {
        int bd = x.bdim();
        ReduceWindow batched = new ReduceWindow(w.kind(), RuleContext.insert(w.windowDims(), bd, 1),
                RuleContext.insert(w.strides(), bd, 1), RuleContext.insert(w.padLow(), bd, 0),
                RuleContext.insert(w.padHigh(), bd, 0));
        return BatchedValue.batched(cx.bind(batched, x.value()), bd);
    }

    /**
     * Source and operand must both carry the batch (the pooled positions differ per example when
     * the operand does, the scattered values when the source does), at one common axis.
     */
    static BatchedValue selectAndScatterAdd(SelectAndScatterAdd s, BatchedValue source, BatchedValue operand,
                                            RuleContext cx) {
        int bd = operand.isBatched() ? operand.bdim() : source.bdim();
        SelectAndScatterAdd batched = new SelectAndScatterAdd(RuleContext.insert(s.windowDims(), bd, 1),
                RuleContext.insert(s.strides(), bd, 1), RuleContext.insert(s.padLow(), bd, 0),
                RuleContext.insert(s.padHigh(), bd, 0));
        return BatchedValue.batched(cx.bind(batched, cx.materialize(source, bd), cx.materialize(operand, bd)), bd);
    }
}
