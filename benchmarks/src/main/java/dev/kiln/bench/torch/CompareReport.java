package dev.kiln.bench.torch;

import dev.kiln.bench.report.Charts;
import dev.kiln.bench.report.Csv;
import dev.kiln.bench.report.Format;
import dev.kiln.bench.report.Markdown;
import dev.kiln.bench.report.Table;
import dev.kiln.bench.torch.CompareResults.Row;
import dev.kiln.bench.torch.CompareResults.Side;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The comparison's files under {@code benchmarks/results/}: {@code compare.csv}, {@code goals.csv}
 * (issue 5's speed goals checked against this run), {@code compare.png}, and {@code compare.md}
 * for RESULTS.md.
 */
public final class CompareReport {
    /** Issue 5's goals: Kiln's DP-SGD at most half PyTorch's functorch step, at most 1.5x its own SGD, first call under 1 s. */
    static final double GOAL_VS_TORCH = 0.5, GOAL_OVER_SGD = 1.5, GOAL_FIRST_CALL_MS = 1000;

    private CompareReport() {
    }

    public static List<Path> write(CompareResults r, Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        out.add(Csv.write(table(r), dir));
        out.add(Csv.write(goals(r), dir));
        out.add(chart(r, dir));
        Path md = dir.resolve("compare.md");
        Files.writeString(md, markdown(r));
        out.add(md);
        return out;
    }

    public static Table table(CompareResults r) {
        Table.Builder b = Table.builder("compare", "Kiln against PyTorch, per training step at batch " + r.batch(),
                "model", "step", "Kiln ms", "PyTorch ms", "Kiln / PyTorch", "Kiln quartiles ms", "PyTorch quartiles ms",
                "Kiln first call ms", "PyTorch first call ms", "steps timed (each)", "notes");
        for (Row row : r.rows()) {
            b.row(row.model(), label(row.mode()), row.kiln().median(), row.torch().median(), Format.ratio(row.ratio()),
                    quartiles(row.kiln()), quartiles(row.torch()), row.kiln().firstMillis(), row.torch().firstMillis(),
                    steps(row), notes(row));
        }
        return b.build();
    }

    static String label(String mode) {
        return switch (mode) {
            case "sgd" -> "SGD";
            case "dp" -> "DP-SGD (vmap)";
            case "dp_loop" -> "DP-SGD, PyTorch looping over examples";
            default -> mode;
        };
    }

    /** Per model, the goals of issue 5 as this run measured them. */
    public static Table goals(CompareResults r) {
        Table.Builder b = Table.builder("goals", "Issue 5's speed goals, as measured in this run",
                "model", "Kiln DP / PyTorch functorch DP (goal <= 0.5)", "Kiln DP / Kiln SGD (goal <= 1.5)",
                "Kiln DP trace + compile ms in this process (goal < 1000 in a fresh JVM: see the cold first calls)",
                "met (the third in this process)");
        for (String model : r.rows().stream().map(Row::model).distinct().toList()) {
            Optional<Row> dp = find(r, model, "dp"), sgd = find(r, model, "sgd");
            double vsTorch = dp.map(Row::ratio).orElse(Double.NaN);
            double overSgd = dp.isPresent() && sgd.isPresent() ? dp.get().kiln().median() / sgd.get().kiln().median() : Double.NaN;
            double first = dp.map(d -> d.kiln().compileMillis()).orElse(Double.NaN);
            String met = Double.isNaN(vsTorch) || Double.isNaN(overSgd) || Double.isNaN(first) ? "not measured"
                    : (vsTorch <= GOAL_VS_TORCH ? "yes" : "no") + " / " + (overSgd <= GOAL_OVER_SGD ? "yes" : "no")
                    + " / " + (first < GOAL_FIRST_CALL_MS ? "yes" : "no");
            b.row(model, Format.ratio(vsTorch), Format.ratio(overSgd), first, met);
        }
        return b.build();
    }

    private static Optional<Row> find(CompareResults r, String model, String mode) {
        return r.rows().stream().filter(x -> x.model().equals(model) && x.mode().equals(mode)).findFirst();
    }

    static Path chart(CompareResults r, Path dir) throws IOException {
        List<String> models = r.rows().stream().map(Row::model).distinct().toList();
        Map<String, List<Double>> series = new LinkedHashMap<>();
        series.put("Kiln SGD", medians(r, models, "sgd", true));
        series.put("PyTorch SGD", medians(r, models, "sgd", false));
        series.put("Kiln DP-SGD", medians(r, models, "dp", true));
        series.put("PyTorch DP-SGD (functorch vmap)", medians(r, models, "dp", false));
        series.put("PyTorch DP-SGD (loop)", medians(r, models, "dp_loop", false));
        return Charts.write(new Charts.Bars("Kiln and PyTorch, ms per step at batch " + r.batch() + " (interleaved)",
                "model", "ms per step (log)", models, series, true), dir.resolve("compare.png"));
    }

    private static List<Double> medians(CompareResults r, List<String> models, String mode, boolean kiln) {
        return models.stream().map(m -> find(r, m, mode).map(x -> kiln ? x.kiln().median() : x.torch().median())
                .orElse(Double.NaN)).toList();
    }

    public static String markdown(CompareResults r) {
        StringBuilder sb = new StringBuilder("## Kiln and PyTorch side by side\n\n");
        sb.append("Measured by `./kiln bench compare --models ")
                .append(String.join(",", r.rows().stream().map(Row::model).distinct().toList()))
                .append(" --repeats ").append(r.repeats()).append("` on ").append(r.machine().describe())
                .append(", in ").append(Math.round(r.wallSeconds())).append(" s. ").append(r.torchInfo())
                .append(" (pthread OpenBLAS, one BLAS thread), as in PEERS.md. Kiln: jit on the **").append(r.kilnBackend())
                .append("** backend");
        if ("interpreter".equals(r.kilnBackend())) {
            sb.append(" (the reference interpreter: Kiln's figures here are not its compiled speed)");
        }
        sb.append(". After its first call each side warmed up for a few seconds; then Kiln and PyTorch ran in "
                + "alternating chunks of ").append(r.chunk())
                .append(" steps in one invocation, so both saw the same load; the ratio is of medians. First calls here are "
                        + "taken in a process that has already run other steps (see the cold first calls for fresh JVMs).\n\n");
        sb.append(Markdown.render(table(r))).append('\n');
        sb.append(Markdown.render(goals(r))).append('\n');
        return sb.toString();
    }

    private static String quartiles(Side s) {
        return s.ok() ? Format.sig(s.millis().q1()) + "-" + Format.sig(s.millis().q3()) : "";
    }

    private static String steps(Row row) {
        int k = row.kiln().ok() ? row.kiln().millis().n() : 0, t = row.torch().ok() ? row.torch().millis().n() : 0;
        return k == t ? Integer.toString(k) : k + " / " + t;
    }

    private static String notes(Row row) {
        List<String> n = new ArrayList<>();
        if (!row.kiln().ok()) {
            n.add("Kiln " + row.kiln().error());
        }
        if (!row.torch().ok()) {
            n.add(row.torch().error());
        }
        if (row.mode().equals("dp_loop")) {
            n.add("Kiln's figure is its vmap DP-SGD step");
        }
        return String.join("; ", n);
    }
}
