package dev.kiln.bench.torch;

import dev.kiln.bench.harness.Machine;
import dev.kiln.bench.harness.Stats;
import java.util.List;

/**
 * What one {@code kiln bench compare} run measured.
 *
 * @param torchInfo the peer's {@code info} fields as one line
 * @param kilnBackend the backend Kiln's jit ran on
 */
public record CompareResults(Machine machine, String torchInfo, String kilnBackend, int batch, int repeats, int chunk,
                             List<Row> rows, double wallSeconds) {

    /**
     * One side of a comparison: its first call, the trace + compile part of it (Kiln; NaN for
     * PyTorch), its timed steps, its parameter count; or why it failed.
     */
    public record Side(double firstMillis, double compileMillis, Stats millis, long parameters, String error) {
        public static Side failed(String error) {
            return new Side(Double.NaN, Double.NaN, null, 0, error);
        }

        public boolean ok() {
            return error == null;
        }

        public double median() {
            return ok() ? millis.median() : Double.NaN;
        }
    }

    /**
     * Kiln's step against PyTorch's, timed in alternating chunks.
     *
     * @param model     the paper model
     * @param mode      {@code sgd}, {@code dp} (functorch vmap), or {@code dp_loop} (PyTorch's loop over
     *                  examples, against Kiln's vmap DP-SGD step)
     */
    public record Row(String model, String mode, Side kiln, Side torch) {
        /** Kiln's median step over PyTorch's: below 1, Kiln is faster. */
        public double ratio() {
            return kiln.median() / torch.median();
        }
    }
}
