package dev.kiln.bench;

import dev.kiln.bench.harness.Progress;
import dev.kiln.bench.harness.Stats;
import dev.kiln.bench.harness.Timing;
import dev.kiln.bench.paper.ColdStart;
import dev.kiln.bench.report.Format;
import dev.kiln.bench.step.StepResult;
import dev.kiln.bench.step.StepRunner;
import dev.kiln.bench.step.StepSpec;
import dev.kiln.bench.step.TrainingStep;
import dev.kiln.bench.step.Variant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kiln bench step}: the median time of one training step of a paper model, after warm-up. */
@Command(name = "step", mixinStandardHelpOptions = true,
        description = "Time a full training step (forward, gradients; with --dp per-example gradients, clip, noise) "
                + "of a paper model: the first call (trace + compile) and the median after warm-up.")
final class StepCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "one of ${COMPLETION-CANDIDATES}", completionCandidates = ModelList.class)
    String model;

    @Option(names = "--dp", description = "DP-SGD (per-example gradients, clipping, noise) instead of ordinary SGD")
    boolean dp;

    @Option(names = "--loop", description = "with --dp: per-example gradients by a loop over examples instead of vmap")
    boolean loop;

    @Option(names = "--eager", description = "run without jit (each call traces and interprets)")
    boolean eager;

    @Option(names = "--batch", defaultValue = "128", description = "batch size (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--backend", description = "jit backend: jvm, interpreter, opencl, ptx (default: the best available)")
    String backend;

    @Option(names = "--no-fusion", negatable = false, description = "one kernel per equation")
    boolean noFusion;

    @Option(names = "--no-buffer-reuse", negatable = false, description = "no arena slot sharing")
    boolean noBufferReuse;

    @Option(names = "--steps", defaultValue = "30", description = "timed steps (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--warmup", defaultValue = "5", description = "untimed steps after the first call (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--csv", description = "print one machine-readable line instead of the report (for 'kiln bench coldstart')")
    boolean csv;

    @Option(names = "--warmup-seconds", defaultValue = "2", description = "keep warming up for at least this long (default ${DEFAULT-VALUE})")
    double warmupSeconds;

    @Option(names = "--budget", defaultValue = "60", description = "stop timing after this many seconds (at least 3 steps; default ${DEFAULT-VALUE})")
    int budgetSeconds;

    @Option(names = "--profile", description = "after timing, print the JVM backend's slowest kernels of this step")
    boolean profile;

    @Override
    public Integer call() {
        ModelList.parse(List.of(model));
        if (loop && !dp) {
            throw new IllegalArgumentException("--loop needs --dp (it is how per-example gradients are computed)");
        }
        Variant v = !dp ? Variant.SGD : loop ? Variant.DP_LOOP : Variant.DP_VMAP;
        StepSpec spec = new StepSpec(model, batch, v, !eager, backend, !noFusion, !noBufferReuse);
        Timing timing = new Timing(warmup, steps, Math.min(steps, 3), budgetSeconds * 1000L, Math.round(warmupSeconds * 1000));
        StepResult r;
        if (csv) {
            r = StepRunner.measure(spec, timing, null);
            System.out.println(ColdStart.line(r));
            return 0;
        }
        List<TrainingStep<?>> measured = new ArrayList<>(1);
        try (Progress p = new Progress("step", StepRunner.units(timing))) {
            r = StepRunner.measure(spec, timing, p, measured::add);
        }
        System.out.println(report(r));
        if (profile) {
            int runs = Math.max(steps, 20);
            System.out.print(profileReport(measured.getFirst().jvmProfile(runs, runs), 15));
        }
        return 0;
    }

    /** The {@code top} slowest kernels, with the total over all of them. */
    static String profileReport(java.util.Map<String, Double> millis, int top) {
        double total = millis.values().stream().mapToDouble(Double::doubleValue).sum();
        StringBuilder sb = new StringBuilder(String.format("kernel profile (JVM backend): %s ms over %d kernels%n",
                Format.sig(total), millis.size()));
        millis.entrySet().stream().sorted(java.util.Map.Entry.<String, Double>comparingByValue().reversed()).limit(top)
                .forEach(e -> sb.append(String.format("  %10s ms  %5.1f%%  %s%n", Format.sig(e.getValue()), 100 * e.getValue() / total, e.getKey())));
        return sb.toString();
    }

    static String report(StepResult r) {
        StepSpec s = r.spec();
        Stats t = r.stepMillis();
        String what = switch (s.variant()) {
            case SGD -> "SGD step";
            case DP_VMAP -> "DP-SGD step (per-example gradients by vmap)";
            case DP_LOOP -> "DP-SGD step (per-example gradients by a loop over examples)";
        };
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%s: %s, batch %d, %d parameters%n", s.model(), what, s.batch(), r.parameters()));
        sb.append(String.format("  %s%s%n", s.jit() ? "jit on backend " + r.backend() : "eager (no jit)",
                s.jit() ? ", fusion " + onOff(s.fuse()) + ", buffer reuse " + onOff(s.reuse()) : ""));
        if ("interpreter".equals(r.backend())) {
            sb.append("  note: the reference interpreter ran this: not Kiln's compiled speed\n");
        }
        if (Double.isNaN(r.compileMillis())) {
            sb.append(String.format("  first call: %s ms%n", Format.sig(r.firstCallMillis())));
        } else {
            sb.append(String.format("  first call: %s ms (trace + compile %s ms, then the first run %s ms)%n",
                    Format.sig(r.firstCallMillis()), Format.sig(r.compileMillis()), Format.sig(r.firstRunMillis())));
        }
        sb.append(String.format("  median step: %s ms (quartiles %s-%s ms, min %s, max %s, %d timed steps)%n",
                Format.sig(t.median()), Format.sig(t.q1()), Format.sig(t.q3()), Format.sig(t.min()), Format.sig(t.max()), t.n()));
        return sb.toString();
    }

    private static String onOff(boolean b) {
        return b ? "on" : "off";
    }
}
