package dev.kiln.bench.torch;

import dev.kiln.bench.harness.Machine;
import dev.kiln.bench.harness.Progress;
import dev.kiln.bench.harness.Stats;
import dev.kiln.bench.step.StepRunner;
import dev.kiln.bench.step.StepSpec;
import dev.kiln.bench.step.TrainingStep;
import dev.kiln.bench.step.Variant;
import dev.kiln.bench.torch.CompareResults.Row;
import dev.kiln.bench.torch.CompareResults.Side;
import dev.kiln.bench.torch.TorchProtocol.Ready;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs Kiln's and PyTorch's steps of the same model interleaved: a chunk of Kiln steps, a chunk
 * of PyTorch steps, and so on (which goes first alternates between rounds), so both see the same
 * machine load and the ratio of their medians is fair on a shared, noisy machine.
 */
public final class CompareRun {
    /**
     * @param models    paper models
     * @param modes     {@code sgd}, {@code dp}, and optionally {@code dp_loop}
     * @param batch     examples per step
     * @param warmup    untimed steps each side runs after its first call, at least
     * @param warmupMillis and each side keeps warming up until this long has passed
     * @param chunk     steps per turn
     * @param repeats   rounds of (Kiln chunk, PyTorch chunk)
     * @param budgetMillis stop adding rounds to one comparison after this long (at least one round)
     * @param backend   Kiln's jit backend (null: default)
     */
    public record Plan(List<String> models, List<String> modes, int batch, int warmup, long warmupMillis, int chunk,
                       int repeats, long budgetMillis, String backend) {
        public long units() {
            return (long) models.size() * modes.size() * (2 + 2L * repeats);
        }
    }

    private final Plan plan;
    private final TorchPeer torch;
    private final Progress progress;

    public CompareRun(Plan plan, TorchPeer torch, Progress progress) {
        this.plan = plan;
        this.torch = torch;
        this.progress = progress;
    }

    public CompareResults run() {
        long t0 = System.nanoTime();
        var info = torch.info();
        String torchInfo = "PyTorch " + info.get("torch") + ", " + info.get("threads") + " threads, BLAS " + info.get("blas");
        List<Row> rows = new ArrayList<>();
        for (String m : plan.models()) {
            for (String mode : plan.modes()) {
                rows.add(compare(m, mode));
            }
        }
        String backend = StepRunner.backendName(StepSpec.of(plan.models().getFirst(), plan.batch(), Variant.SGD)
                .onBackend(plan.backend()));
        return new CompareResults(Machine.here(), torchInfo, backend, plan.batch(), plan.repeats(), plan.chunk(), rows,
                (System.nanoTime() - t0) / 1e9);
    }

    /** Kiln's step for a PyTorch mode: its SGD step, or its vmap DP-SGD step for both DP modes. */
    static Variant kilnVariant(String mode) {
        return mode.equals("sgd") ? Variant.SGD : Variant.DP_VMAP;
    }

    private Row compare(String model, String mode) {
        StepSpec spec = StepSpec.of(model, plan.batch(), kilnVariant(mode)).onBackend(plan.backend());
        String id = model + "-" + mode;
        progress.task(model + " " + mode + ": first calls");
        long unitsBefore = progress.done();
        TrainingStep<?> kiln = null;
        String kilnError = null;
        double kilnFirst = Double.NaN;
        try {
            kiln = TrainingStep.prepare(spec);
            TrainingStep<?> k = kiln;
            kilnFirst = time(k::step);
        } catch (RuntimeException | OutOfMemoryError e) {
            kilnError = reason(e);
            kiln = null;
        }
        Ready ready = null;
        String torchError = null;
        try {
            ready = torch.setup(id, model, mode, plan.batch());
        } catch (TorchPeer.PeerError e) {
            torchError = e.getMessage();
        }
        progress.advance(2);
        List<Double> kt = new ArrayList<>(), tt = new ArrayList<>();
        try {
            if (kiln != null) {
                long t = System.nanoTime();
                for (int i = 0; i < plan.warmup() || (System.nanoTime() - t) / 1e6 < plan.warmupMillis(); i++) {
                    kiln.step();
                }
            }
            if (ready != null) {
                long t = System.nanoTime();
                for (int i = 0; i < plan.warmup() || (System.nanoTime() - t) / 1e6 < plan.warmupMillis(); i++) {
                    torch.run(id, 1);
                }
            }
            long start = System.nanoTime();
            for (int r = 0; r < plan.repeats(); r++) {
                progress.task(String.format("%s %s: round %d/%d", model, mode, r + 1, plan.repeats()));
                boolean kilnFirstTurn = r % 2 == 0;
                for (int turn = 0; turn < 2; turn++) {
                    if ((turn == 0) == kilnFirstTurn) {
                        if (kiln != null && kilnError == null) {
                            kt.addAll(kilnChunk(kiln));
                        }
                    } else if (ready != null && torchError == null) {
                        for (double t : torch.run(id, plan.chunk())) {
                            tt.add(t);
                        }
                    }
                    progress.advance(1);
                }
                if (plan.budgetMillis() > 0 && (System.nanoTime() - start) / 1e6 > plan.budgetMillis()) {
                    break;
                }
            }
        } catch (TorchPeer.PeerError e) {
            torchError = e.getMessage();
        } catch (RuntimeException | OutOfMemoryError e) {
            kilnError = reason(e);
        } finally {
            if (ready != null) {
                try {
                    torch.free(id);
                } catch (TorchPeer.PeerError ignored) {
                    // the peer's own failure is already recorded
                }
            }
        }
        progress.advance(Math.max(0, 2 + 2L * plan.repeats() - (progress.done() - unitsBefore)));
        Side k = kilnError != null || kt.isEmpty() ? Side.failed(kilnError != null ? kilnError : "not measured")
                : new Side(kilnFirst, kiln.compileMillis(), Stats.of(kt), kiln.parameterCount(), null);
        Side t = torchError != null || tt.isEmpty() ? Side.failed(torchError != null ? torchError : "not measured")
                : new Side(ready.firstMillis(), Double.NaN, Stats.of(tt), ready.parameters(), null);
        if (k.ok() && t.ok() && k.parameters() != t.parameters()) {
            progress.message("  warning: " + model + " has " + k.parameters() + " parameters in Kiln but "
                    + t.parameters() + " in PyTorch");
        }
        return new Row(model, mode, k, t);
    }

    private List<Double> kilnChunk(TrainingStep<?> kiln) {
        List<Double> times = new ArrayList<>(plan.chunk());
        for (int i = 0; i < plan.chunk(); i++) {
            times.add(time(kiln::step));
        }
        return times;
    }

    private static double time(Runnable r) {
        long t = System.nanoTime();
        r.run();
        return (System.nanoTime() - t) / 1e6;
    }

    private static String reason(Throwable e) {
        if (e instanceof OutOfMemoryError) {
            System.gc();
            return "out of memory (heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB)";
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return "failed: " + (nl > 0 ? m.substring(0, nl) : m);
    }
}
