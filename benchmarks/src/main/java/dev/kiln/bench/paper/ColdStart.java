package dev.kiln.bench.paper;

import dev.kiln.bench.harness.Machine;
import dev.kiln.bench.report.Markdown;
import dev.kiln.bench.report.Table;
import dev.kiln.bench.step.StepResult;
import dev.kiln.bench.step.Variant;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The first call of each model's step in a fresh JVM: trace, transform, compile and one run, with
 * nothing warmed up by earlier work (the other commands measure first calls in a JVM that has
 * already compiled other steps, which flatters them). Each measurement is one child JVM running
 * {@code kiln bench step --csv}, with this JVM's options and class path. A row reports the median
 * of several such JVMs: one cold start on a shared machine can land on a busy moment and swing by
 * 2-3x.
 */
public final class ColdStart {
    private ColdStart() {
    }

    /** The result of one child run, or why it failed. */
    public record Cold(String model, Variant variant, double firstMillis, double compileMillis, double stepMillis,
                       String backend, String error) {
    }

    /** A row: the median of {@code runs} cold starts, and the range of their trace + compile times. */
    public record Row(Cold median, double compileMin, double compileMax, int runs) {
    }

    /**
     * The run with the median trace + compile time among {@code runs} (the lower median of an even
     * count), with the range; failed runs count only when all failed (then the first failure).
     */
    public static Row median(List<Cold> runs) {
        List<Cold> ok = runs.stream().filter(c -> c.error() == null)
                .sorted(java.util.Comparator.comparingDouble(Cold::compileMillis)).toList();
        if (ok.isEmpty()) {
            return new Row(runs.getFirst(), Double.NaN, Double.NaN, runs.size());
        }
        return new Row(ok.get((ok.size() - 1) / 2), ok.getFirst().compileMillis(), ok.getLast().compileMillis(), ok.size());
    }

    /** The {@code --csv} line of {@code kiln bench step}. */
    public static String line(StepResult r) {
        return String.format(Locale.ROOT, "csv,%s,%s,%d,%s,%.3f,%.3f,%.3f", r.spec().model(), r.spec().variant().label(),
                r.spec().batch(), r.backend(), r.firstCallMillis(), r.compileMillis(), r.stepMillis().median());
    }

    /** Parses the {@code --csv} line among a child's output lines. */
    public static Cold parse(String model, Variant v, List<String> output) {
        for (String l : output) {
            if (l.startsWith("csv,")) {
                String[] f = l.split(",");
                if (f.length != 8) {
                    break;
                }
                return new Cold(f[1], Variant.ofLabel(f[2]), Double.parseDouble(f[5]), Double.parseDouble(f[6]),
                        Double.parseDouble(f[7]), f[4], null);
            }
        }
        String last = output.isEmpty() ? "no output" : output.getLast();
        return new Cold(model, v, Double.NaN, Double.NaN, Double.NaN, "", "failed: " + last);
    }

    /** Runs one child JVM for {@code model}'s step of variant {@code v}. */
    public static Cold measure(String model, Variant v, int batch, String backend) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.kiln.bench.BenchCommand", "step",
                "--model", model, "--batch", Integer.toString(batch), "--steps", "3", "--warmup", "0", "--csv"));
        if (v.isPrivate()) {
            cmd.add("--dp");
        }
        if (v == Variant.DP_LOOP) {
            cmd.add("--loop");
        }
        if (backend != null) {
            cmd.addAll(List.of("--backend", backend));
        }
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.MINUTES)) {
                p.destroyForcibly();
            }
            return parse(model, v, out.lines().filter(l -> !l.startsWith("WARNING")).toList());
        } catch (IOException e) {
            return new Cold(model, v, Double.NaN, Double.NaN, Double.NaN, "", "failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Cold(model, v, Double.NaN, Double.NaN, Double.NaN, "", "interrupted");
        }
    }

    public static Table table(List<Row> rows, int batch) {
        Table.Builder b = Table.builder("first_call", "First call in a fresh JVM (trace + compile + one step), batch " + batch
                        + ", median of fresh JVMs",
                "model", "step", "backend", "trace + compile ms", "range ms", "first call ms", "then a step ms",
                "trace + compile under 1 s", "notes");
        for (Row r : rows) {
            Cold c = r.median();
            String range = Double.isNaN(r.compileMin()) ? "" : String.format(Locale.ROOT, "%.0f-%.0f", r.compileMin(), r.compileMax());
            String note = c.error() != null ? c.error() : r.runs() == 1 ? "one run" : r.runs() + " runs";
            b.row(c.model(), c.variant() == Variant.SGD ? "SGD" : "DP-SGD", c.backend(), c.compileMillis(), range,
                    c.firstMillis(), c.stepMillis(), c.error() != null ? "" : c.compileMillis() < 1000 ? "yes" : "no", note);
        }
        return b.build();
    }

    public static String markdown(List<Row> rows, int batch, Machine m) {
        return "## First call (trace + compile), cold\n\nMeasured by `./kiln bench coldstart` on " + m.describe()
                + ": fresh JVMs, so nothing was compiled or warmed before; each row is the run with the median trace + "
                + "compile time of several fresh JVMs (the range beside it). \"Trace + compile\" is what jit "
                + "timed for tracing, the transforms and Kiln's compiler (issue 5's goal: under one second per model); "
                + "the first call adds the first run, which is slow while HotSpot interprets the freshly generated "
                + "kernels and the Vector API code before C2 has compiled them.\n\n" + Markdown.render(table(rows, batch)) + "\n";
    }

}
