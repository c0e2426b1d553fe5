package dev.kiln.bench;

import dev.kiln.bench.harness.Machine;
import dev.kiln.bench.harness.Progress;
import dev.kiln.bench.paper.ColdStart;
import dev.kiln.bench.report.Csv;
import dev.kiln.bench.step.Variant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kiln bench coldstart}: each model's first call (trace + compile) in a fresh JVM. */
@Command(name = "coldstart", mixinStandardHelpOptions = true,
        description = "Time each model's first DP-SGD and SGD step call in a fresh JVM (trace + compile + one step).")
final class ColdStartCommand implements Callable<Integer> {
    @Option(names = "--models", split = ",", description = "models (default: all six)")
    List<String> models;

    @Option(names = "--batch", defaultValue = "128", description = "batch size (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--backend", description = "jit backend (default: the best available)")
    String backend;

    @Option(names = "--repeats", defaultValue = "3", description = "fresh JVMs per model and step; the median is reported (default ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--out", defaultValue = "benchmarks/results", description = "output folder (default ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<String> ms = ModelList.parse(models);
        if (repeats < 1) {
            throw new IllegalArgumentException("--repeats must be at least 1, got " + repeats);
        }
        List<ColdStart.Row> rows = new ArrayList<>();
        try (Progress p = new Progress("coldstart", 2L * ms.size() * repeats)) {
            for (String m : ms) {
                for (Variant v : List.of(Variant.DP_VMAP, Variant.SGD)) {
                    List<ColdStart.Cold> runs = new ArrayList<>();
                    for (int i = 0; i < repeats; i++) {
                        p.task(m + " " + v.label() + ": fresh JVM " + (i + 1) + " of " + repeats);
                        runs.add(ColdStart.measure(m, v, batch, backend));
                        p.advance(1);
                    }
                    rows.add(ColdStart.median(runs));
                }
            }
        }
        Files.createDirectories(out);
        Csv.write(ColdStart.table(rows, batch), out);
        String md = ColdStart.markdown(rows, batch, Machine.here());
        Files.writeString(out.resolve("first_call.md"), md);
        System.out.print(md);
        return 0;
    }
}
