package dev.kiln.vmap;

import dev.kiln.ir.Ints;
import dev.kiln.ir.prim.DotGeneral;

/**
 * Batching of {@code dot_general}. When both operands are batched their batch axes become one
 * more pair of dot_general batch dimensions (the leading one of the result), so a per-example
 * matrix product turns into one batched product, never a loop. When only one side is batched its
 * batch axis is simply a free dimension of that side, carried through to the result.
 */
final class DotRules {
    private DotRules() {
    }

    static BatchedValue dotGeneral(DotGeneral d, BatchedValue lhs, BatchedValue rhs, RuleContext cx) {
        int lb = lhs.bdim(), rb = rhs.bdim();
        Ints lc = lhs.isBatched() ? RuleContext.shiftAll(d.lhsContract(), lb) : d.lhsContract();
        Ints lbatch = lhs.isBatched() ? RuleContext.shiftAll(d.lhsBatch(), lb) : d.lhsBatch();
        Ints rc = rhs.isBatched() ? RuleContext.shiftAll(d.rhsContract(), rb) : d.rhsContract();
        Ints rbatch = rhs.isBatched() ? RuleContext.shiftAll(d.rhsBatch(), rb) : d.rhsBatch();
        if (lhs.isBatched() && rhs.isBatched()) {
            DotGeneral batched = new DotGeneral(lc, rc, RuleContext.insert(lbatch, 0, lb), RuleContext.insert(rbatch, 0, rb));
            return BatchedValue.batched(cx.bind(batched, lhs.value(), rhs.value()), 0);
        }
        DotGeneral same = new DotGeneral(lc, rc, lbatch, rbatch);
        int nbatch = lbatch.size();
        int outBdim;
        if (lhs.isBatched()) {
            outBdim = nbatch + freeBefore(lb, lc, lbatch);
        } else {
            int lhsFree = lhs.value().rank() - lc.size() - lbatch.size();
            outBdim = nbatch + lhsFree + freeBefore(rb, rc, rbatch);
        }
        return BatchedValue.batched(cx.bind(same, lhs.value(), rhs.value()), outBdim);
    }

    /** How many free (neither contracting nor batch) dimensions come before {@code axis}. */
    private static int freeBefore(int axis, Ints contract, Ints batch) {
        int taken = (int) (contract.stream().filter(a -> a < axis).count() + batch.stream().filter(a -> a < axis).count());
        return axis - taken;
    }
}
