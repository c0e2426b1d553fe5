package dev.kiln.vmap;

import dev.kiln.ir.prim.Gather;
import dev.kiln.ir.prim.ScatterAdd;
import dev.kiln.tracer.Tensor;

/**
 * Batching of {@code gather} and {@code scatter_add} (operand {@code [B1..Bn, V, R...]}, indices
 * {@code [B1..Bn, I...]}, updates and gathered rows {@code [B1..Bn, I..., R...]}).
 * <ul>
 * <li>Indices and operand both batched: the batch axis becomes one more leading batch dimension.
 * <li>Only the indices batched: the batch axis is just one more index dimension {@code I}.
 * <li>Only the operand (or the updates) batched: the batch axis is one more row dimension
 *     {@code R}, so the same indices pick every example's row at once and nothing is copied.
 * </ul>
 */
final class IndexingRules {
    private IndexingRules() {
    }

    static BatchedValue gather(Gather g, BatchedValue operand, BatchedValue indices, RuleContext cx) {
        int nb = g.batchDims();
        if (operand.isBatched() && indices.isBatched()) {
            Tensor out = cx.bind(new Gather(nb + 1), cx.moveBatch(operand, 0), cx.moveBatch(indices, 0));
            return BatchedValue.batched(out, 0);
        }
        if (indices.isBatched()) {
            int at = Math.max(indices.bdim(), nb);
            return BatchedValue.batched(cx.bind(g, operand.value(), cx.moveBatch(indices, at)), at);
        }
        int rowAt = Math.max(operand.bdim(), nb + 1);
        Tensor out = cx.bind(g, cx.moveBatch(operand, rowAt), indices.value());
        return BatchedValue.batched(out, indices.value().rank() + rowAt - (nb + 1));
    }

    static BatchedValue scatterAdd(ScatterAdd s, BatchedValue operand, BatchedValue indices, BatchedValue updates,
                                   RuleContext cx) {
        int nb = s.batchDims();
        if (indices.isBatched()) {
            // Each example scatters to its own places: a leading batch dimension for all three.
            Tensor out = cx.bind(new ScatterAdd(nb + 1), cx.materialize(operand, 0), cx.moveBatch(indices, 0),
                    cx.materialize(updates, 0));
            return BatchedValue.batched(out, 0);
        }
        int k = indices.value().rank();
        int rowAt;
        if (operand.isBatched() && operand.bdim() > nb) {
            rowAt = operand.bdim();
        } else if (updates.isBatched() && updates.bdim() >= k) {
            rowAt = nb + 1 + updates.bdim() - k;
        } else {
            rowAt = nb + 1;
        }
        int updatesAt = k + rowAt - (nb + 1);
        Tensor out = cx.bind(s, cx.materialize(operand, rowAt), indices.value(), cx.materialize(updates, updatesAt));
        return BatchedValue.batched(out, rowAt);
    }
}
