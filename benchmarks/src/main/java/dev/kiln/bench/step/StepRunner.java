package dev.kiln.bench.step;

import dev.kiln.bench.harness.Progress;
import dev.kiln.bench.harness.Stats;
import dev.kiln.bench.harness.Timing;
import dev.kiln.runtime.Backends;

/**
 * Measures a {@link StepSpec}: prepares the step, times its first call (trace + compile + one
 * run), warms up, then times the steps of the {@link Timing} plan.
 */
public final class StepRunner {
    private StepRunner() {
    }

    /** Progress units one measurement of {@code t} reports: the first call, then each step. */
    public static long units(Timing t) {
        return 1L + t.warmup() + t.runs();
    }

    public static StepResult measure(StepSpec spec, Timing timing, Progress progress) {
        return measure(spec, timing, progress, s -> { });
    }

    /** As {@link #measure(StepSpec, Timing, Progress)}, then hands the warm step to {@code after} for more work. */
    public static StepResult measure(StepSpec spec, Timing timing, Progress progress,
                                     java.util.function.Consumer<TrainingStep<?>> after) {
        if (progress != null) {
            progress.task(spec.describe());
        }
        TrainingStep<?> step = TrainingStep.prepare(spec);
        double first = Timing.once(step::step);
        double compile = step.compileMillis();
        if (progress != null) {
            progress.advance(1);
        }
        // The first run alone (what the warm-up will repeat), without the trace and compile.
        Timing plan = timing.fitTo(Double.isNaN(compile) ? first : first - compile);
        long planned = timing.warmup() + timing.runs();
        long[] reported = {0};
        double[] times = plan.measure(step::step, i -> {
            // Time-based warm-up may make more calls than planned; the plan's share stays the same.
            if (progress != null && i <= planned) {
                reported[0] = i;
                progress.advance(1);
            }
        });
        if (progress != null) {
            // Steps cut by the time budget still count as done in the plan.
            progress.advance(Math.max(0, planned - reported[0]));
        }
        StepResult r = new StepResult(spec, backendName(spec), first, Stats.of(times), step.parameterCount(), compile);
        after.accept(step);
        return r;
    }

    /** The backend a spec's jit compiles for, or {@code eager}. */
    public static String backendName(StepSpec spec) {
        if (!spec.jit()) {
            return "eager";
        }
        return spec.backend() != null ? Backends.byName(spec.backend()).name() : Backends.defaultBackend().name();
    }
}
