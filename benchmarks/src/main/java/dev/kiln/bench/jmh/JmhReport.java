package dev.kiln.bench.jmh;

import dev.kiln.bench.harness.Machine;
import dev.kiln.bench.report.Csv;
import dev.kiln.bench.report.Format;
import dev.kiln.bench.report.Markdown;
import dev.kiln.bench.report.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/** JMH's results as a table (with GFLOP/s for the GEMM benchmarks) and the fused-over-unfused ratios. */
public final class JmhReport {
    private JmhReport() {
    }

    public static List<Path> write(Collection<RunResult> results, PeakFlops peak, Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        out.add(Csv.write(table(results, peak), dir));
        Path md = dir.resolve("jmh.md");
        Files.writeString(md, markdown(results, peak));
        out.add(md);
        return out;
    }

    public static Table table(Collection<RunResult> results, PeakFlops peak) {
        Table.Builder b = Table.builder("jmh", "JMH results", "benchmark", "params", "score", "error (99.9%)", "unit",
                "GFLOP/s", "of theoretical peak");
        for (RunResult r : results) {
            BenchmarkParams p = r.getParams();
            Result<?> s = r.getPrimaryResult();
            double gflops = gflops(r);
            b.row(shortName(p.getBenchmark()), params(p), s.getScore(), s.getScoreError(), s.getScoreUnit(), gflops,
                    peak == null || Double.isNaN(gflops) ? "" : Format.sig(100 * gflops / peak.theoreticalGflops()) + "%");
        }
        return b.build();
    }

    /** GFLOP/s of a GEMM result (NaN for other benchmarks). */
    static double gflops(RunResult r) {
        BenchmarkParams p = r.getParams();
        if (!p.getBenchmark().contains("GemmBenchmarks.")) {
            return Double.NaN;
        }
        int n = Integer.parseInt(p.getParam("n"));
        double seconds = r.getPrimaryResult().getScore() * secondsPer(p.getTimeUnit());
        return GemmBenchmarks.flops(n) / seconds / 1e9;
    }

    private static double secondsPer(TimeUnit u) {
        return u.toNanos(1) / 1e9;
    }

    static String shortName(String benchmark) {
        int dot = benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1);
        return benchmark.substring(dot + 1);
    }

    static String params(BenchmarkParams p) {
        Map<String, String> m = new TreeMap<>();
        for (String k : p.getParamsKeys()) {
            m.put(k, p.getParam(k));
        }
        return String.join(" ", m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    /** Fused over unfused time for each benchmark and parameter set that ran both ways. */
    public static Table fusionTable(Collection<RunResult> results) {
        Table.Builder b = Table.builder("jmh_fusion", "Fused against unfused (same backend)", "benchmark", "params",
                "fused", "unfused", "unit", "unfused / fused");
        for (RunResult f : results) {
            BenchmarkParams p = f.getParams();
            if (!"true".equals(paramOrNull(p, "fused"))) {
                continue;
            }
            for (RunResult u : results) {
                BenchmarkParams q = u.getParams();
                if (q.getBenchmark().equals(p.getBenchmark()) && "false".equals(paramOrNull(q, "fused"))
                        && sameOtherParams(p, q)) {
                    double fs = f.getPrimaryResult().getScore(), us = u.getPrimaryResult().getScore();
                    b.row(shortName(p.getBenchmark()), params(p).replace("fused=true", "").trim(), fs, us,
                            f.getPrimaryResult().getScoreUnit(), Format.ratio(us / fs));
                }
            }
        }
        return b.build();
    }

    private static String paramOrNull(BenchmarkParams p, String key) {
        return p.getParamsKeys().contains(key) ? p.getParam(key) : null;
    }

    private static boolean sameOtherParams(BenchmarkParams a, BenchmarkParams b) {
        for (String k : a.getParamsKeys()) {
            if (!k.equals("fused") && !a.getParam(k).equals(b.getParam(k))) {
                return false;
            }
        }
        return true;
    }

    public static String markdown(Collection<RunResult> results, PeakFlops peak) {
        StringBuilder sb = new StringBuilder("## JMH: fused against unfused, GEMM against the peak\n\n");
        sb.append("Measured by `./kiln bench jmh` on ").append(Machine.here().describe()).append(".\n");
        if (peak != null) {
            sb.append("Peak estimate: ").append(peak.describe()).append(".\n");
        }
        sb.append('\n');
        Table fusion = fusionTable(results);
        if (!fusion.rows().isEmpty()) {
            sb.append(Markdown.render(fusion)).append('\n');
        }
        sb.append(Markdown.render(table(results, peak))).append('\n');
        return sb.toString();
    }
}
