package dev.kiln.bench.paper;

import dev.kiln.bench.harness.Timing;
import java.util.List;
import java.util.Set;

/**
 * What {@code kiln bench paper} measures.
 *
 * @param models        paper model names
 * @param batches       batch sizes of the epoch-time sweep (Table 1, Figures 1–6)
 * @param timing        warm-up, timed steps and time budget of each measurement
 * @param epochs        when positive, run this many full epochs where they fit the budget
 * @param backend       the jit backend (null: default)
 * @param ablationBatch batch size of the ablation (Table 2)
 * @param ablationModels models of the ablation (the paper leaves the LSTM out)
 * @param memoryBudget  bytes the DP-SGD / SGD step must fit in (Table 4)
 * @param realRun       run one step at each maximum batch size found
 * @param parts         which parts run: {@code epochs}, {@code ablation}, {@code memory}
 */
public record PaperPlan(List<String> models, List<Integer> batches, Timing timing, int epochs, String backend,
                        int ablationBatch, List<String> ablationModels, long memoryBudget, boolean realRun,
                        Set<String> parts) {
    public static final Set<String> ALL_PARTS = Set.of("epochs", "ablation", "memory");

    public PaperPlan {
        models = List.copyOf(models);
        batches = List.copyOf(batches);
        ablationModels = List.copyOf(ablationModels);
        parts = Set.copyOf(parts);
        for (String p : parts) {
            if (!ALL_PARTS.contains(p)) {
                throw new IllegalArgumentException("unknown part '" + p + "'; parts are " + ALL_PARTS);
            }
        }
    }

    public boolean runs(String part) {
        return parts.contains(part);
    }

    /** The ablation's configurations per model: (column label, how to change the base DP-SGD jit step). */
    public static final List<String> ABLATION_COLUMNS = List.of(
            "eager, loop", "eager, vmap", "jit, loop", "jit, vmap", "jit, vmap, unfused", "jit, vmap, no buffer reuse");
}
