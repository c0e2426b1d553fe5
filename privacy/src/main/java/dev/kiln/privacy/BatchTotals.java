package dev.kiln.privacy;

import dev.kiln.tracer.Tensor;

/**
 * Sums over the real examples of one or more physical batches, all f32 scalars, so the totals of
 * micro-batches add up to those of the logical batch: the summed loss, the summed per-example
 * gradient norms (before clipping; NaN for a non-private step, which computes none), the number
 * of examples that were clipped, and the number of real examples.
 */
public record BatchTotals(Tensor lossSum, Tensor normSum, Tensor clippedCount, Tensor count) {

    /** Component-wise sum (traceable). */
    public BatchTotals plus(BatchTotals o) {
        return new BatchTotals(lossSum.add(o.lossSum), normSum.add(o.normSum), clippedCount.add(o.clippedCount),
                count.add(o.count));
    }
}
