package dev.kiln.bench.paper;

import dev.kiln.bench.harness.Stats;
import dev.kiln.bench.paper.PaperResults.AblationRow;
import dev.kiln.bench.paper.PaperResults.EpochRow;
import dev.kiln.bench.paper.PaperResults.MemoryRow;
import dev.kiln.bench.report.Charts;
import dev.kiln.bench.report.Csv;
import dev.kiln.bench.report.Format;
import dev.kiln.bench.report.Markdown;
import dev.kiln.bench.report.Table;
import dev.kiln.bench.step.Outcome;
import dev.kiln.bench.step.Variant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns {@link PaperResults} into the files under {@code benchmarks/results/}: one CSV per table,
 * PNG charts in the manner of the paper's figures, and {@code paper.md}, the Markdown section
 * that {@code RESULTS.md} includes.
 */
public final class PaperReport {
    private PaperReport() {
    }

    /** Writes every file; returns the paths written. */
    public static List<Path> write(PaperResults r, Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Table t : tables(r)) {
            out.add(Csv.write(t, dir));
        }
        out.addAll(charts(r, dir));
        Path md = dir.resolve("paper.md");
        Files.writeString(md, markdown(r));
        out.add(md);
        return out;
    }

    public static List<Table> tables(PaperResults r) {
        List<Table> t = new ArrayList<>();
        if (!r.epochs().isEmpty()) {
            t.add(epochTable(r));
        }
        if (!r.ablation().isEmpty()) {
            t.add(ablationTable(r));
        }
        if (!r.memory().isEmpty()) {
            t.add(memoryTable(r));
        }
        return t;
    }

    static Table epochTable(PaperResults r) {
        Table.Builder b = Table.builder("epoch_times", "Time per epoch, DP-SGD and SGD (Table 1, Figures 1-6)",
                "model", "batch", "steps/epoch", "DP-SGD step ms", "SGD step ms", "DP-SGD s/epoch", "SGD s/epoch",
                "privacy overhead", "DP-SGD first call ms", "SGD first call ms", "method", "notes");
        for (EpochRow e : r.epochs()) {
            b.row(e.model(), e.batch(), e.stepsPerEpoch(), median(e.dp()), median(e.sgd()), median(e.dpEpoch()),
                    median(e.sgdEpoch()), Format.ratio(e.overhead()), first(e.dp()), first(e.sgd()), e.method(),
                    notes(e.dp(), e.sgd()));
        }
        return b.build();
    }

    static Table ablationTable(PaperResults r) {
        List<String> cols = new ArrayList<>(List.of("model", "batch"));
        PaperPlan.ABLATION_COLUMNS.forEach(c -> cols.add(c + " s/epoch"));
        cols.addAll(List.of("vmap speedup (jit)", "jit speedup (vmap)", "fusion speedup", "buffer reuse speedup", "notes"));
        Table.Builder b = Table.builder("ablation", "Ablation of jit and vmap, fusion and buffer reuse: DP-SGD s/epoch (Table 2)",
                cols.toArray(String[]::new));
        for (AblationRow a : r.ablation()) {
            List<Object> row = new ArrayList<>(List.of(a.model(), a.batch()));
            for (int c = 0; c < PaperPlan.ABLATION_COLUMNS.size(); c++) {
                row.add(a.epochSeconds(c));
            }
            row.add(Format.ratio(a.epochSeconds(2) / a.epochSeconds(3)));
            row.add(Format.ratio(a.epochSeconds(1) / a.epochSeconds(3)));
            row.add(Format.ratio(a.epochSeconds(4) / a.epochSeconds(3)));
            row.add(Format.ratio(a.epochSeconds(5) / a.epochSeconds(3)));
            row.add(notes(a.cells().toArray(Outcome[]::new)));
            b.row(row.toArray());
        }
        return b.build();
    }

    static Table memoryTable(PaperResults r) {
        Table.Builder b = Table.builder("max_batch", "Largest batch within the memory budget (Table 4)",
                "model", "mode", "budget", "max batch", "working set", "arena", "intermediates without reuse",
                "real step ms", "real step heap peak", "notes");
        for (MemoryRow m : r.memory()) {
            String mode = m.variant() == Variant.SGD ? "non-private (SGD)" : "private (DP-SGD)";
            boolean capped = m.found().batch() >= PaperRun.BATCH_CAP;
            String note = m.found().batch() == 0 ? "one example does not fit"
                    : capped ? "search capped at " + PaperRun.BATCH_CAP : "";
            if (m.realRun() != null && !m.realRun().ok()) {
                note = (note.isEmpty() ? "" : note + "; ") + "real step " + m.realRun().error();
            }
            b.row(m.model(), mode, Format.bytes(m.budget()), m.found().batch(),
                    m.estimate() == null ? "" : Format.bytes(m.estimate().workingSetBytes()),
                    m.estimate() == null ? "" : Format.bytes(m.estimate().arenaBytes()),
                    m.estimate() == null ? "" : Format.bytes(m.estimate().intermediateBytes()),
                    m.realRun() == null ? "" : median(m.realRun()),
                    m.realRun() != null && m.realRun().ok() ? Format.bytes(m.heapPeakBytes()) : "", note);
        }
        return b.build();
    }

    /** The paper's Table 1 layout: one row per model at batch 128 (or the middle batch swept). */
    static Table summaryTable(PaperResults r) {
        int batch = r.plan().batches().contains(128) ? 128 : r.plan().batches().get(r.plan().batches().size() / 2);
        Table.Builder b = Table.builder("summary", "Seconds per epoch at batch " + batch,
                "model", "DP-SGD s/epoch", "SGD s/epoch", "privacy overhead", "DP-SGD step ms", "SGD step ms",
                "DP-SGD first call ms");
        for (EpochRow e : r.epochs()) {
            if (e.batch() == batch) {
                b.row(e.model(), median(e.dpEpoch()), median(e.sgdEpoch()), Format.ratio(e.overhead()), median(e.dp()),
                        median(e.sgd()), first(e.dp()));
            }
        }
        return b.build();
    }

    static List<Path> charts(PaperResults r, Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String model : r.plan().models()) {
            List<EpochRow> rows = r.epochs().stream().filter(e -> e.model().equals(model)).toList();
            if (rows.isEmpty()) {
                continue;
            }
            Map<String, List<Double>> series = new LinkedHashMap<>();
            series.put("Kiln DP-SGD", rows.stream().map(e -> median(e.dpEpoch())).toList());
            series.put("Kiln SGD", rows.stream().map(e -> median(e.sgdEpoch())).toList());
            out.add(Charts.write(new Charts.Bars("Runtime per epoch: " + model + " (" + r.backend() + " backend)", "batch size",
                    "seconds per epoch", rows.stream().map(e -> Integer.toString(e.batch())).toList(), series, false),
                    dir.resolve("epoch_" + model + ".png")));
        }
        if (!r.ablation().isEmpty()) {
            Map<String, List<Double>> series = new LinkedHashMap<>();
            for (int c = 0; c < PaperPlan.ABLATION_COLUMNS.size(); c++) {
                int col = c;
                series.put(PaperPlan.ABLATION_COLUMNS.get(c), r.ablation().stream().map(a -> a.epochSeconds(col)).toList());
            }
            out.add(Charts.write(new Charts.Bars("DP-SGD ablation at batch " + r.plan().ablationBatch(), "model",
                    "seconds per epoch (log)", r.ablation().stream().map(AblationRow::model).toList(), series, true),
                    dir.resolve("ablation.png")));
        }
        if (!r.memory().isEmpty()) {
            List<String> models = r.memory().stream().map(MemoryRow::model).distinct().toList();
            Map<String, List<Double>> series = new LinkedHashMap<>();
            for (Variant v : List.of(Variant.SGD, Variant.DP_VMAP)) {
                series.put(v == Variant.SGD ? "non-private" : "private", models.stream()
                        .map(m -> r.memory().stream().filter(x -> x.model().equals(m) && x.variant() == v)
                                .mapToDouble(x -> x.found().batch()).findFirst().orElse(Double.NaN)).toList());
            }
            out.add(Charts.write(new Charts.Bars("Largest batch within " + Format.bytes(r.plan().memoryBudget()), "model",
                    "batch size (log)", models, series, true), dir.resolve("max_batch.png")));
        }
        return out;
    }

    /** The Markdown section of RESULTS.md for this run. */
    public static String markdown(PaperResults r) {
        StringBuilder sb = new StringBuilder();
        sb.append("## The paper's tables, redone for Kiln\n\n");
        sb.append("Measured by `").append(command(r.plan())).append("` on ").append(r.machine().describe())
                .append(", in ").append(Math.round(r.wallSeconds())).append(" s.\n");
        sb.append("Backend: **").append(r.backend()).append("**");
        if ("interpreter".equals(r.backend())) {
            sb.append(" (the reference interpreter: these are not Kiln's compiled speeds, and fusion and buffer reuse "
                    + "change nothing on it)");
        }
        sb.append(". Steps timed per measurement: ").append(r.plan().timing().runs()).append(" after ")
                .append(r.plan().timing().warmup()).append(" warm-up steps")
                .append(r.plan().timing().warmupMillis() > 0 ? " and at least " + r.plan().timing().warmupMillis() / 1000.0
                        + " s of warm-up" : "").append(" (fewer when a measurement overran its ")
                .append(r.plan().timing().budgetMillis() / 1000).append(" s budget); epoch time = steps per epoch × median step")
                .append(r.plan().epochs() > 0 ? ", or " + r.plan().epochs() + " full epochs timed where they fit the budget" : "")
                .append(". DP-SGD: vmap(grad) per-example gradients, clip to joint norm 1, sum, Gaussian noise σ=1, "
                        + "average, SGD; random data of each dataset's shape; an epoch is 45,220 (Adult), 60,000 (MNIST), "
                        + "50,000 (CIFAR-10) or 25,000 (IMDb) examples.\n\n");
        if (!r.epochs().isEmpty()) {
            sb.append(Markdown.render(summaryTable(r))).append('\n');
            sb.append(Markdown.render(epochTable(r))).append('\n');
        }
        if (!r.ablation().isEmpty()) {
            sb.append(Markdown.render(ablationTable(r))).append('\n');
        }
        if (!r.memory().isEmpty()) {
            sb.append(Markdown.render(memoryTable(r))).append('\n');
            sb.append("Working set = the step's inputs (parameters, batch, key) + the arena of its buffer plan (fused, "
                    + "buffers reused: what the compiler places every intermediate in) + its outputs; library scratch "
                    + "(GEMM packing, a few MiB) is not counted. \"Intermediates without reuse\" is the arena with no "
                    + "slot shared. The real step runs once at the batch size found, on the same backend, in this JVM "
                    + "(heap " + Format.bytes(Runtime.getRuntime().maxMemory()) + "); its heap peak is the sum of the "
                    + "heap pools' peaks above the heap in use before the step: an upper bound that also counts garbage "
                    + "the collector had not reclaimed yet, the batch data, and any operand copies the backend makes, "
                    + "so it shows that the step ran, not the plan's size.\n\n");
        }
        return sb.toString();
    }

    static String command(PaperPlan p) {
        return "./kiln bench paper --models " + String.join(",", p.models()) + " --batches "
                + String.join(",", p.batches().stream().map(String::valueOf).toList()) + " --steps " + p.timing().runs()
                + (p.epochs() > 0 ? " --epochs " + p.epochs() : "");
    }

    private static Double median(Outcome o) {
        return o == null || !o.ok() ? Double.NaN : o.medianMillis();
    }

    private static Double median(Stats s) {
        return s == null ? Double.NaN : s.median();
    }

    private static Double first(Outcome o) {
        return o == null || !o.ok() ? Double.NaN : o.result().firstCallMillis();
    }

    private static String notes(Outcome... os) {
        List<String> n = new ArrayList<>();
        for (Outcome o : os) {
            if (o != null && !o.ok()) {
                n.add(o.spec().variant().label() + (o.spec().jit() ? "" : " eager") + ": " + o.error());
            }
        }
        return String.join("; ", n);
    }
}
