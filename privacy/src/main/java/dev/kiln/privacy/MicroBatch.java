package dev.kiln.privacy;

/**
 * What one physical batch contributes to a logical batch: the sum of its (clipped, for DP-SGD)
 * per-example gradients and its {@link BatchTotals}. Micro-batches of one logical batch are added
 * up ({@link #plus}) before the single noisy update.
 */
public record MicroBatch<P>(P gradSum, BatchTotals totals) {

    /** The sum of two micro-batches (traceable). */
    public MicroBatch<P> plus(MicroBatch<P> o) {
        return new MicroBatch<>(Trees.add(gradSum, o.gradSum), totals.plus(o.totals));
    }
}
