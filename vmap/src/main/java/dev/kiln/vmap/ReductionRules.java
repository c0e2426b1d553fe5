package dev.kiln.vmap;

import dev.kiln.ir.Ints;
import dev.kiln.ir.prim.ArgMax;
import dev.kiln.ir.prim.ReduceMax;
import dev.kiln.ir.prim.ReduceSum;

/**
 * Batching of reductions: the reduced axes are renumbered around the batch axis, which is never
 * reduced, and the batch axis of the result is where it lands once the reduced axes are gone.
 */
final class ReductionRules {
    private ReductionRules() {
    }

    static BatchedValue reduceSum(ReduceSum r, BatchedValue x, RuleContext cx) {
        Ints axes = RuleContext.shiftAll(r.axes(), x.bdim());
        return BatchedValue.batched(cx.bind(new ReduceSum(axes), x.value()), remaining(x.bdim(), axes));
    }

    static BatchedValue reduceMax(ReduceMax r, BatchedValue x, RuleContext cx) {
        Ints axes = RuleContext.shiftAll(r.axes(), x.bdim());
        return BatchedValue.batched(cx.bind(new ReduceMax(axes), x.value()), remaining(x.bdim(), axes));
    }

    static BatchedValue argMax(ArgMax a, BatchedValue x, RuleContext cx) {
        int axis = RuleContext.shift(a.axis(), x.bdim());
        return BatchedValue.batched(cx.bind(new ArgMax(axis, a.indexDtype()), x.value()),
                remaining(x.bdim(), Ints.of(axis)));
    }

    /** Where axis {@code bdim} ends up once {@code removed} (batched numbering) are removed. */
    private static int remaining(int bdim, Ints removed) {
        return bdim - (int) removed.stream().filter(a -> a < bdim).count();
    }
}
