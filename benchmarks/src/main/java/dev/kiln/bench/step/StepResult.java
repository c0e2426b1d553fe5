package dev.kiln.bench.step;

import dev.kiln.bench.harness.Stats;

/**
 * A measured training step.
 *
 * @param spec           what was measured
 * @param backend        the backend that ran it ({@code eager} for eager steps)
 * @param firstCallMillis the first call: trace, transform, compile and one run
 * @param stepMillis     the timed steps after warm-up
 * @param parameters     the model's parameter count
 * @param compileMillis  the first call's trace, transforms and compile alone, as jit timed them
 *                       (NaN when eager); the rest of the first call is its first run, slow while
 *                       HotSpot has not yet compiled the generated kernels
 */
public record StepResult(StepSpec spec, String backend, double firstCallMillis, Stats stepMillis, long parameters,
                         double compileMillis) {

    /** The first call's run alone (first call less trace + compile). */
    public double firstRunMillis() {
        return Double.isNaN(compileMillis) ? Double.NaN : firstCallMillis - compileMillis;
    }
}
