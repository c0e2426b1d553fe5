package dev.kiln.codegen.jvm.kernels;

import java.util.Locale;
import java.util.Random;

/**
 * A hand-run measurement of the library kernels (not a test: no assertions, not run by Maven):
 * prints GFLOP/s for GEMM and the paper CNNs' convolutions. Run from the worktree root after
 * {@code mvn -pl codegen-jvm -am test-compile}:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp ir/target/classes:codegen-jvm/target/classes:codegen-jvm/target/test-classes \
 *      dev.kiln.codegen.jvm.kernels.KernelBenchmark [gemm|conv|all]
 * </pre>
 *
 * Each figure is the best of several timed repetitions after warm-up; the machine is shared, so
 * run it a few times.
 */
public final class KernelBenchmark {
    private KernelBenchmark() {
    }

    public static void main(String[] args) {
        String what = args.length > 0 ? args[0] : "all";
        System.out.printf(Locale.ROOT, "threads=%d lanes/vector=%d%n", Parallel.threads(), SgemmKernels.L);
        if (what.equals("gemm") || what.equals("all")) {
            gemm(512, 512, 512, false, false);
            gemm(512, 512, 512, false, true);
            gemm(512, 512, 512, true, false);
            gemm(512, 512, 512, true, true);
            gemm(128, 104, 50, false, false);
            gemm(32, 1024, 27, false, false);
            gemm(32, 1024, 288, false, false);
            gemm(400, 100, 256, false, false);
        }
    }

    static void gemm(int m, int n, int k, boolean transA, boolean parallel) {
        Random rnd = new Random(1);
        float[] a = randomArray(m * k, rnd), b = randomArray(k * n, rnd), c = new float[m * n];
        float[] scratch = new float[Sgemm.scratchFloats(m, n, k, parallel)];
        int rsa = transA ? 1 : k, csa = transA ? m : 1;
        double flops = 2.0 * m * n * k;
        double best = time(() -> Sgemm.gemm(m, n, k, a, 0, rsa, csa, b, 0, n, 1, c, 0, n, 1, false, scratch, 0, parallel),
                flops);
        System.out.printf(Locale.ROOT, "gemm %dx%dx%d%s %s: %.1f GFLOP/s%n", m, n, k, transA ? " (A transposed)" : "",
                parallel ? "parallel" : "1 thread", best);
    }

    /** Best GFLOP/s of {@code op} over repetitions lasting about a second in all. */
    static double time(Runnable op, double flops) {
        long warmEnd = System.nanoTime() + 500_000_000L;
        while (System.nanoTime() < warmEnd) {
            op.run();
        }
        double best = 0;
        long end = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            op.run();
            long t = System.nanoTime() - t0;
            best = Math.max(best, flops / t);
        }
        return best;
    }

    static float[] randomArray(int n, Random rnd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextFloat() * 2 - 1;
        }
        return x;
    }
}
