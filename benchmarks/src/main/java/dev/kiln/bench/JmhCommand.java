package dev.kiln.bench;

import dev.kiln.bench.jmh.JmhReport;
import dev.kiln.bench.jmh.PeakFlops;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** {@code kiln bench jmh [JMH args]}: the JMH suite, with GEMM GFLOP/s next to the machine's peak. */
@Command(name = "jmh",
        description = {"Run the JMH suite (fused vs unfused kernels, the DP-SGD step, GEMM) with any JMH arguments, "
                + "e.g. './kiln bench jmh -f 1 -wi 2 -i 3 Fusion'; '-h' prints JMH's help, '-l' lists the benchmarks.",
                "Before the run it estimates the CPU's peak; after it writes jmh.csv and jmh.md under --out."})
final class JmhCommand implements Callable<Integer> {
    @Option(names = "--no-peak", description = "skip the peak-FLOP/s estimate")
    boolean noPeak;

    @Option(names = "--out", defaultValue = "benchmarks/results", description = "output folder (default ${DEFAULT-VALUE})")
    Path out;

    @Unmatched
    List<String> jmhArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        CommandLineOptions opts = new CommandLineOptions(jmhArgs.toArray(String[]::new));
        if (opts.shouldHelp() || opts.shouldList() || opts.shouldListWithParams() || opts.shouldListProfilers()
                || opts.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(jmhArgs.toArray(String[]::new));
            return 0;
        }
        PeakFlops peak = null;
        if (!noPeak) {
            System.out.println("estimating the peak (about 10 s)...");
            peak = PeakFlops.measure();
            System.out.println("peak: " + peak.describe());
        }
        Collection<RunResult> results = new Runner(opts).run();
        List<Path> files = JmhReport.write(results, peak, out);
        System.out.print(JmhReport.markdown(results, peak));
        System.out.println("wrote " + String.join(", ", files.stream().map(f -> f.getFileName().toString()).toList())
                + " under " + out);
        return 0;
    }
}
