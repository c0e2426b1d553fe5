package dev.kiln.privacy;

import dev.kiln.tracer.Tensor;

/**
 * What a step reports, as f32 scalars: the mean loss over the real examples (before the update),
 * the mean per-example gradient norm before clipping (NaN for a non-private step), the fraction
 * of real examples that were clipped, and the number of real examples. With no real example (an
 * empty Poisson draw) the means are 0.
 */
public record StepStats(Tensor loss, Tensor meanNorm, Tensor clippedFraction, Tensor examples) {

    /** The statistics of a (logical) batch from its totals (traceable). */
    public static StepStats of(BatchTotals t) {
        Tensor n = t.count().maximum(1.0);
        return new StepStats(t.lossSum().div(n), t.normSum().div(n), t.clippedCount().div(n), t.count());
    }

    public double lossValue() {
        return loss.item();
    }

    public double meanNormValue() {
        return meanNorm.item();
    }

    public double clippedFractionValue() {
        return clippedFraction.item();
    }

    public int examplesValue() {
        return (int) Math.round(examples.item());
    }
}
