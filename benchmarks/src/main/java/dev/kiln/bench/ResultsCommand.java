package dev.kiln.bench;

import dev.kiln.bench.harness.Machine;
import dev.kiln.bench.harness.Provenance;
import dev.kiln.bench.report.ResultsDocument;
import dev.kiln.bench.step.LibraryProbe;
import dev.kiln.runtime.Backends;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kiln bench results}: runs every benchmark and rewrites {@code benchmarks/RESULTS.md}. */
@Command(name = "results", mixinStandardHelpOptions = true,
        description = {"Run the paper tables, the PyTorch comparison, the cold first calls and the JMH suite, then rewrite benchmarks/RESULTS.md "
                + "from what they measured: the one command that regenerates the results.",
                "Extra arguments for each part go in --paper-args, --compare-args, --jmh-args (one string each)."})
final class ResultsCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "the quick version of every part (a few minutes in all)")
    boolean quick;

    @Option(names = "--skip", split = ",", description = "parts to leave out: paper, compare, coldstart, jmh (their last results stay in RESULTS.md)")
    Set<String> skip = new HashSet<>();

    @Option(names = "--compose-only", description = "only rewrite RESULTS.md from the sections already under --out")
    boolean composeOnly;

    @Option(names = "--paper-args", description = "extra arguments for 'paper', e.g. \"--epochs 2\"")
    String paperArgs = "";

    @Option(names = "--compare-args", description = "extra arguments for 'compare', e.g. \"--torch-loop --repeats 8\"")
    String compareArgs = "";

    @Option(names = "--jmh-args", description = "arguments for 'jmh' (default: -f 1 -wi 2 -i 3 -w 2s -r 2s; quick: a short run)")
    String jmhArgs;

    @Option(names = "--out", defaultValue = "benchmarks/results", description = "results folder (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--doc", defaultValue = "benchmarks/RESULTS.md", description = "the document to write (default ${DEFAULT-VALUE})")
    Path doc;

    @Override
    public Integer call() throws Exception {
        for (String s : skip) {
            if (!Set.of("paper", "compare", "coldstart", "jmh").contains(s)) {
                throw new IllegalArgumentException("--skip: unknown part '" + s + "' (paper, compare, coldstart, jmh)");
            }
        }
        double loadBefore = Machine.loadNow();
        long t0 = System.nanoTime();
        List<String> failed = new ArrayList<>();
        if (!composeOnly) {
            run("paper", new PaperCommand(), args(quick ? "--quick" : null, paperArgs), failed);
            run("compare", new CompareCommand(), args(quick ? "--models logreg,ffnn,mnist_cnn,embedding --repeats 2 --chunk 2 --warmup 1"
                    : null, compareArgs), failed);
            run("coldstart", new ColdStartCommand(), args(quick ? "--models logreg,ffnn" : null, ""), failed);
            String jmh = jmhArgs != null ? jmhArgs : quick
                    ? "-f 1 -wi 1 -i 1 -w 1s -r 1s -p n=256 -p model=ffnn -p batch=128 Fusion|sgemm|DpStep"
                    : "-f 1 -wi 2 -i 3 -w 2s -r 2s";
            run("jmh", new JmhCommand(), args(null, jmh), failed);
        }
        List<String> notes = notes(loadBefore, (System.nanoTime() - t0) / 1e9, failed);
        String command = "./kiln bench results" + (quick ? " --quick" : "");
        String text = ResultsDocument.compose(out, Machine.here(), Provenance.commit(), command, notes);
        Files.createDirectories(doc.toAbsolutePath().getParent());
        Files.writeString(doc, text);
        System.out.println("wrote " + doc);
        return failed.isEmpty() ? 0 : 1;
    }

    private void run(String part, Object command, String[] args, List<String> failed) {
        if (skip.contains(part)) {
            return;
        }
        System.out.println("== kiln bench " + part + " " + String.join(" ", args));
        String[] all = new String[args.length + 2];
        all[0] = "--out";
        all[1] = out.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            c.getErr().println("kiln bench " + part + ": " + e);
            return 1;
        });
        if (cl.execute(all) != 0) {
            failed.add(part);
        }
    }

    /** The arguments of a part: the preset, then the user's (which come later, so they win). */
    static String[] args(String preset, String extra) {
        List<String> a = new ArrayList<>();
        for (String s : new String[] {preset, extra}) {
            if (s != null && !s.isBlank()) {
                a.addAll(Arrays.asList(s.trim().split("\\s+")));
            }
        }
        return a.toArray(String[]::new);
    }

    private List<String> notes(double loadBefore, double seconds, List<String> failed) {
        List<String> n = new ArrayList<>();
        String backend = Backends.defaultBackend().name();
        n.add("Kiln's default backend here: `" + backend + "`.");
        List<String> interpreted = LibraryProbe.interpretedPrimitives();
        if (!interpreted.isEmpty()) {
            n.add("Provisional: the JVM backend on this commit compiles fused loop kernels to bytecode but runs these "
                    + "library primitives through the reference interpreter (its fallback where no kernel is wired in): "
                    + String.join(", ", interpreted) + ". Steps dominated by products and convolutions are therefore "
                    + "far from the library kernels' speed (compare the JMH GEMM rows: the library GEMM called "
                    + "directly against the same product through jit).");
        }
        n.add("DP-SGD step: the benchmark's own (benchmarks/.../step/StepFunctions: vmap(grad(exampleLoss)), clip each "
                + "example to joint norm 1, sum, Gaussian noise sigma = 1, average, SGD), the same computation as the "
                + "PyTorch peer's step; the privacy module's DpSgd (what `kiln train` runs) compiles to the same kernels "
                + "plus its sampling mask and optimiser.");
        n.add(String.format(java.util.Locale.ROOT, "The machine is shared with other jobs: 1-minute load average %.1f at the "
                + "start and %.1f at the end on %d cores; absolute times are noisy, ratios taken within one run (the "
                + "interleaved PyTorch comparison above all) are the figures to trust.", loadBefore, Machine.loadNow(),
                Runtime.getRuntime().availableProcessors()));
        if (!composeOnly) {
            n.add(String.format(java.util.Locale.ROOT, "This run took %.0f minutes.", seconds / 60));
        }
        if (!failed.isEmpty()) {
            n.add("Parts that failed in this run (their sections may be from an earlier run): " + failed + ".");
        }
        if (composeOnly || !skip.isEmpty()) {
            n.add("Sections not re-run here keep the figures of their own last run (each names its date).");
        }
        return n;
    }
}
