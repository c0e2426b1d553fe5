package dev.kiln.bench.paper;

import dev.kiln.bench.harness.Machine;
import dev.kiln.bench.harness.Progress;
import dev.kiln.bench.harness.Stats;
import dev.kiln.bench.harness.Timing;
import dev.kiln.bench.paper.PaperResults.AblationRow;
import dev.kiln.bench.paper.PaperResults.EpochRow;
import dev.kiln.bench.paper.PaperResults.MemoryRow;
import dev.kiln.bench.step.MaxBatch;
import dev.kiln.bench.step.MemoryEstimate;
import dev.kiln.bench.step.Outcome;
import dev.kiln.bench.step.StepRunner;
import dev.kiln.bench.step.StepSpec;
import dev.kiln.bench.step.TrainingStep;
import dev.kiln.bench.step.Variant;
import dev.kiln.runtime.Backends;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link PaperPlan}: the epoch-time sweep (DP-SGD and SGD per model and batch size), the
 * jit × vmap ablation with fusion and buffer reuse, and the maximum batch sizes. A measurement
 * that fails (out of memory, say) is recorded and the run goes on.
 */
public final class PaperRun {
    /** Largest batch size the memory search tries. */
    static final int BATCH_CAP = 1 << 24;

    private final PaperPlan plan;
    private final Progress progress;

    public PaperRun(PaperPlan plan, Progress progress) {
        this.plan = plan;
        this.progress = progress;
    }

    /** Progress units the plan will report (timed measurements; memory searches count one each). */
    public static long units(PaperPlan plan) {
        long per = StepRunner.units(plan.timing());
        long n = 0;
        if (plan.runs("epochs")) {
            n += 2L * plan.models().size() * plan.batches().size() * per;
        }
        if (plan.runs("ablation")) {
            n += (long) plan.ablationModels().size() * PaperPlan.ABLATION_COLUMNS.size() * per;
        }
        if (plan.runs("memory")) {
            n += 2L * plan.models().size() * (plan.realRun() ? 2 : 1);
        }
        return n;
    }

    public PaperResults run() {
        long t0 = System.nanoTime();
        String backend = plan.backend() != null ? Backends.byName(plan.backend()).name() : Backends.defaultBackend().name();
        List<EpochRow> epochs = new ArrayList<>();
        List<AblationRow> ablation = new ArrayList<>();
        List<MemoryRow> memory = new ArrayList<>();
        if (plan.runs("epochs")) {
            for (String m : plan.models()) {
                for (int b : plan.batches()) {
                    epochs.add(epochRow(m, b));
                }
            }
        }
        if (plan.runs("ablation")) {
            for (String m : plan.ablationModels()) {
                ablation.add(ablationRow(m, plan.ablationBatch()));
            }
        }
        if (plan.runs("memory")) {
            for (String m : plan.models()) {
                memory.add(memoryRow(m, Variant.DP_VMAP));
                memory.add(memoryRow(m, Variant.SGD));
            }
        }
        return new PaperResults(Machine.here(), plan, backend, epochs, ablation, memory, (System.nanoTime() - t0) / 1e9);
    }

    private StepSpec base(String model, int batch, Variant v) {
        return StepSpec.of(model, batch, v).onBackend(plan.backend());
    }

    private EpochRow epochRow(String model, int batch) {
        int spe = EpochSize.steps(model, batch);
        Stats[] full = new Stats[2];
        Outcome dp = measure(base(model, batch, Variant.DP_VMAP), step -> full[0] = fullEpochs(step, spe));
        Outcome sgd = measure(base(model, batch, Variant.SGD), step -> full[1] = fullEpochs(step, spe));
        boolean epochsTimed = full[0] != null && full[1] != null;
        Stats dpEpoch = epochsTimed ? full[0] : perEpoch(dp, spe);
        Stats sgdEpoch = epochsTimed ? full[1] : perEpoch(sgd, spe);
        String method = epochsTimed ? plan.epochs() + " full epochs" : "steps per epoch × median step";
        return new EpochRow(model, batch, spe, dp, sgd, dpEpoch, sgdEpoch, method);
    }

    private static Stats perEpoch(Outcome o, int stepsPerEpoch) {
        return o.ok() ? o.result().stepMillis().scaled(stepsPerEpoch / 1000.0) : null;
    }

    /** Seconds of each of the plan's full epochs, or null when they would overrun the time budget. */
    private Stats fullEpochs(TrainingStep<?> step, int stepsPerEpoch) {
        if (plan.epochs() <= 0) {
            return null;
        }
        double oneStep = Timing.once(step::step);
        double estimate = oneStep * stepsPerEpoch * plan.epochs();
        long budget = plan.timing().budgetMillis();
        if (budget > 0 && estimate > budget) {
            progress.message(String.format(java.util.Locale.ROOT,
                    "  %s: %d full epochs would take about %.0f s, over the %d s budget: timing steps instead",
                    step.spec().describe(), plan.epochs(), estimate / 1000, budget / 1000));
            return null;
        }
        double[] seconds = new double[plan.epochs()];
        for (int e = 0; e < plan.epochs(); e++) {
            progress.task(step.spec().describe() + ", epoch " + (e + 1) + "/" + plan.epochs());
            long t = System.nanoTime();
            for (int s = 0; s < stepsPerEpoch; s++) {
                step.step();
            }
            seconds[e] = (System.nanoTime() - t) / 1e9;
        }
        return Stats.of(seconds);
    }

    private Outcome measure(StepSpec spec, java.util.function.Consumer<TrainingStep<?>> after) {
        long before = progress.done();
        Outcome o = Outcome.attempt(spec, () -> StepRunner.measure(spec, plan.timing(), progress, after));
        // A failed measurement still uses up its share of the plan.
        progress.advance(Math.max(0, StepRunner.units(plan.timing()) - (progress.done() - before)));
        if (!o.ok()) {
            progress.message("  " + spec.describe() + ": " + o.error());
        }
        return o;
    }

    private Outcome measure(StepSpec spec) {
        return measure(spec, s -> { });
    }

    private AblationRow ablationRow(String model, int batch) {
        StepSpec jitVmap = base(model, batch, Variant.DP_VMAP);
        StepSpec jitLoop = base(model, batch, Variant.DP_LOOP);
        List<StepSpec> specs = List.of(jitLoop.withJit(false), jitVmap.withJit(false), jitLoop, jitVmap,
                jitVmap.withFusion(false), jitVmap.withBufferReuse(false));
        List<Outcome> cells = new ArrayList<>();
        for (StepSpec s : specs) {
            cells.add(measure(s));
        }
        return new AblationRow(model, batch, cells);
    }

    private MemoryRow memoryRow(String model, Variant v) {
        progress.task(model + " " + v.label() + ": largest batch within " + dev.kiln.bench.report.Format.bytes(plan.memoryBudget()));
        TrainingStep<?> probe = TrainingStep.prepare(base(model, 1, v));
        MaxBatch.Found found = MaxBatch.search(b -> workingSet(probe, b), plan.memoryBudget(), BATCH_CAP);
        MemoryEstimate est = found.batch() > 0 ? MemoryEstimate.of(probe.graphAt(found.batch()), true, true) : null;
        progress.advance(1);
        Outcome real = null;
        long[] heap = {0};
        if (plan.realRun() && found.batch() > 0) {
            StepSpec at = base(model, found.batch(), v);
            progress.task(at.describe() + ": one real step");
            Timing once = new Timing(0, 1, 1, 0);
            real = Outcome.attempt(at, () -> {
                var result = new dev.kiln.bench.step.StepResult[1];
                heap[0] = HeapPeak.during(() -> result[0] = StepRunner.measure(at, once, null));
                return result[0];
            });
            progress.advance(1);
            if (!real.ok()) {
                progress.message("  " + at.describe() + ": " + real.error());
            }
        }
        return new MemoryRow(model, v, plan.memoryBudget(), found, est, real, heap[0]);
    }

    /** The working set at batch {@code b}; a batch too large to even describe does not fit. */
    private static long workingSet(TrainingStep<?> probe, int b) {
        try {
            return MemoryEstimate.of(probe.graphAt(b), true, true).workingSetBytes();
        } catch (RuntimeException e) {
            return Long.MAX_VALUE;
        }
    }
}
