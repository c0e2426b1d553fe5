package dev.kiln.bench;

import dev.kiln.bench.harness.Progress;
import dev.kiln.bench.harness.Timing;
import dev.kiln.bench.paper.PaperPlan;
import dev.kiln.bench.paper.PaperReport;
import dev.kiln.bench.paper.PaperResults;
import dev.kiln.bench.paper.PaperRun;
import dev.kiln.bench.report.Format;
import dev.kiln.runtime.Backends;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kiln bench paper}: the paper's Table 1 and Figures 1–6, Table 2 and Table 4, for Kiln. */
@Command(name = "paper", mixinStandardHelpOptions = true,
        description = {"The paper's tables for Kiln: seconds per epoch of DP-SGD and SGD per model and batch size "
                + "(Table 1, Figures 1-6), the jit x vmap ablation with fusion and buffer reuse (Table 2), and the "
                + "largest batch within a memory budget (Table 4).",
                "Writes CSV files, PNG charts and paper.md under --out."})
final class PaperCommand implements Callable<Integer> {
    static final List<String> QUICK_MODELS = List.of("logreg", "ffnn", "mnist_cnn", "embedding");

    @Option(names = "--models", split = ",", description = "models (default: all six; with --quick, logreg, ffnn, mnist_cnn and embedding)")
    List<String> models;

    @Option(names = "--batches", defaultValue = "16,32,64,128,256", description = "batch sizes (default ${DEFAULT-VALUE})")
    String batches;

    @ArgGroup(exclusive = true)
    Length length = new Length();

    static final class Length {
        @Option(names = "--steps", description = "timed steps per measurement (default 10)")
        Integer steps;

        @Option(names = "--epochs", description = "time this many full epochs where they fit the budget (else steps)")
        Integer epochs;
    }

    @Option(names = "--warmup", defaultValue = "2", description = "untimed steps after the first call (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--warmup-seconds", defaultValue = "2", description = "keep warming up for at least this long (default ${DEFAULT-VALUE})")
    double warmupSeconds;

    @Option(names = "--budget", defaultValue = "60", description = "seconds per measurement before it stops timing (default ${DEFAULT-VALUE})")
    int budgetSeconds;

    @Option(names = "--backend", description = "jit backend (default: the best available)")
    String backend;

    @Option(names = "--ablation-batch", defaultValue = "128", description = "batch size of the ablation (default ${DEFAULT-VALUE})")
    int ablationBatch;

    @Option(names = "--memory-budget", defaultValue = "1g", description = "memory a step must fit in for Table 4 (default ${DEFAULT-VALUE})")
    String memoryBudget;

    @Option(names = "--no-real-run", description = "Table 4 from the memory estimate alone, without a real step at each size")
    boolean noRealRun;

    @Option(names = "--skip", split = ",", description = "parts to leave out: epochs, ablation, memory")
    Set<String> skip = new HashSet<>();

    @Option(names = "--quick", description = "a small plan that finishes in under two minutes")
    boolean quick;

    @Option(names = "--out", defaultValue = "benchmarks/results", description = "output folder (default ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws Exception {
        PaperPlan plan = plan();
        PaperResults r;
        try (Progress p = new Progress("paper", PaperRun.units(plan))) {
            r = new PaperRun(plan, p).run();
        }
        List<Path> files = PaperReport.write(r, out);
        System.out.print(PaperReport.markdown(r));
        System.out.println("wrote " + files.size() + " files under " + out + ": "
                + String.join(", ", files.stream().map(f -> f.getFileName().toString()).toList()));
        return 0;
    }

    PaperPlan plan() {
        if (backend != null) {
            Backends.byName(backend);
        }
        List<String> ms = ModelList.parse(models);
        List<Integer> bs = ModelList.parseInts(batches, "--batches");
        int steps = length.steps != null ? length.steps : 10;
        int epochs = length.epochs != null ? length.epochs : 0;
        int warm = warmup;
        long budget = budgetSeconds * 1000L;
        int abBatch = ablationBatch;
        boolean real = !noRealRun;
        List<String> ablationModels = ms.stream().filter(m -> !m.equals("lstm")).toList();
        if (quick) {
            // Under two minutes: the four small models (a CIFAR-10 or LSTM step can take seconds to
            // minutes), one batch size, few steps, a short budget, the ablation of the two smallest,
            // Table 4 from the buffer plans alone.
            if (models == null) {
                ms = QUICK_MODELS;
            }
            bs = List.of(32);
            steps = Math.min(steps, 3);
            epochs = 0;
            warm = Math.min(warm, 1);
            budget = Math.min(budget, 5_000);
            abBatch = 16;
            real = false;
            ablationModels = ms.stream().filter(m -> m.equals("logreg") || m.equals("ffnn")).toList();
        }
        Set<String> parts = new HashSet<>(PaperPlan.ALL_PARTS);
        for (String s : skip) {
            if (!parts.remove(s.trim())) {
                throw new IllegalArgumentException("--skip: unknown part '" + s + "'; parts are " + PaperPlan.ALL_PARTS);
            }
        }
        long warmMillis = Math.round(1000 * (quick ? Math.min(warmupSeconds, 0.5) : warmupSeconds));
        return new PaperPlan(ms, bs, new Timing(warm, steps, Math.min(steps, 3), budget, warmMillis), epochs, backend, abBatch,
                ablationModels, Format.parseBytes(memoryBudget), real, parts);
    }
}
