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
 */
public record StepResult(StepSpec spec, String backend, double firstCallMillis, Stats stepMillis, long parameters) {

    /** The first call's time beyond an ordinary step: roughly trace + compile. */
    public double compileMillis() {
        return Math.max(0, firstCallMillis - stepMillis.median());
    }
}
