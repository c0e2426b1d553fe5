package dev.kiln.bench.paper;

import dev.kiln.bench.harness.Machine;
import dev.kiln.bench.harness.Stats;
import dev.kiln.bench.step.MaxBatch;
import dev.kiln.bench.step.MemoryEstimate;
import dev.kiln.bench.step.Outcome;
import dev.kiln.bench.step.Variant;
import java.util.List;

/** Everything one {@code kiln bench paper} run measured. */
public record PaperResults(Machine machine, PaperPlan plan, String backend, List<EpochRow> epochs,
                           List<AblationRow> ablation, List<MemoryRow> memory, double wallSeconds) {

    /**
     * One model at one batch size: DP-SGD and SGD, per step and per epoch.
     *
     * @param dpEpoch  seconds per epoch of DP-SGD (null when it failed)
     * @param sgdEpoch seconds per epoch of SGD (null when it failed)
     * @param method   how the epoch time was found: {@code steps} (steps per epoch × median step)
     *                 or {@code epochs} (full epochs timed)
     */
    public record EpochRow(String model, int batch, int stepsPerEpoch, Outcome dp, Outcome sgd,
                           Stats dpEpoch, Stats sgdEpoch, String method) {
        /** DP-SGD's time over SGD's: the privacy overhead. */
        public double overhead() {
            return dpEpoch == null || sgdEpoch == null ? Double.NaN : dpEpoch.median() / sgdEpoch.median();
        }
    }

    /** The ablation of one model: one outcome per {@link PaperPlan#ABLATION_COLUMNS} entry (null: not run). */
    public record AblationRow(String model, int batch, List<Outcome> cells) {
        public double epochSeconds(int column) {
            Outcome o = cells.get(column);
            return o == null || !o.ok() ? Double.NaN : o.medianMillis() / 1000 * EpochSize.steps(model, batch);
        }
    }

    /**
     * The maximum batch size of one model and mode under the memory budget.
     *
     * @param found         the batch size found, with its working set
     * @param estimate      the memory estimate at that batch size
     * @param realRun       one real step at that size (null when not run)
     * @param heapPeakBytes the JVM heap's peak during that step, over the heap in use before it
     */
    public record MemoryRow(String model, Variant variant, long budget, MaxBatch.Found found, MemoryEstimate estimate,
                            Outcome realRun, long heapPeakBytes) {
    }
}
