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
 * {@code kiln bench step --csv}, with this JVM's options and class path.
 */
public final class ColdStart {
    private ColdStart() {
    }

    /** The result of one child run, or why it failed. */
    public record Cold(String model, Variant variant, double firstMillis, double compileMillis, double stepMillis,
                       String backend, String error) {
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

    public static Table table(List<Cold> rows, int batch) {
        Table.Builder b = Table.builder("first_call", "First call in a fresh JVM (trace + compile + one step), batch " + batch,
                "model", "step", "backend", "trace + compile ms", "first call ms", "then a step ms",
                "trace + compile under 1 s", "notes");
        for (Cold c : rows) {
            b.row(c.model(), c.variant() == Variant.SGD ? "SGD" : "DP-SGD", c.backend(), c.compileMillis(), c.firstMillis(),
                    c.stepMillis(), c.error() != null ? "" : c.compileMillis() < 1000 ? "yes" : "no",
                    c.error() == null ? "" : c.error());
        }
        return b.build();
    }

    public static String markdown(List<Cold> rows, int batch, Machine m) {
        return "## First call (trace + compile), cold\n\nMeasured by `./kiln bench coldstart` on " + m.describe()
                + ": one fresh JVM per row, so nothing was compiled or warmed before. \"Trace + compile\" is what jit "
                + "timed for tracing, the transforms and Kiln's compiler (issue 5's goal: under one second per model); "
                + "the first call adds the first run, which is slow while HotSpot interprets the freshly generated "
                + "kernels and the Vector API code before C2 has compiled them.\n\n" + Markdown.render(table(rows, batch)) + "\n";
    }

}
