package dev.kiln.codegen.jvm.kernels;

import dev.kiln.ir.DType;
import dev.kiln.ir.Ints;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.ConvGeneralDilated;
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
        System.out.printf(Locale.ROOT, "threads=%d lanes/vector=%d timing=%s%n", Parallel.threads(), SgemmKernels.L,
                Boolean.getBoolean("bench.cpu") ? "thread cpu time" : "wall time");
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
        if (what.equals("edges")) {
            gemm(32, 352, 288, false, false);
            gemm(32, 342, 288, false, false);
            gemm(32, 336, 288, false, false);
            gemm(30, 352, 288, false, false);
        }
        if (what.equals("conv") || what.equals("all")) {
            int b = 128;
            System.out.println("-- CIFAR10 CNN convs, batch " + b);
            conv("fwd 3->32 3x3 pad1", conv2d(1, 1, 1, 1, 1, 1), f32(b, 3, 32, 32), f32(32, 3, 3, 3));
            conv("fwd 32->32 3x3 pad1 (= its input grad)", conv2d(1, 1, 1, 1, 1, 1), f32(b, 32, 32, 32), f32(32, 32, 3, 3));
            conv("fwd 64->64 16x16", conv2d(1, 1, 1, 1, 1, 1), f32(b, 64, 16, 16), f32(64, 64, 3, 3));
            conv("kernel grad 3->32", conv2d(1, 1, 1, 1, 1, 1), f32(3, b, 32, 32), f32(32, b, 32, 32));
            conv("kernel grad 32->32", conv2d(1, 1, 1, 1, 1, 1), f32(32, b, 32, 32), f32(32, b, 32, 32));
            conv("per-example kernel grad 3->32 (groups=B)", conv2d(1, 1, 1, 1, 1, b), f32(3, b, 32, 32),
                    f32(b * 32, 1, 32, 32));
            conv("per-example kernel grad 32->32 (groups=B)", conv2d(1, 1, 1, 1, 1, b), f32(32, b, 32, 32),
                    f32(b * 32, 1, 32, 32));
            System.out.println("-- MNIST CNN convs, batch " + b);
            conv("fwd 1->16 8x8 s2 pad3", conv2d(2, 3, 3, 1, 1, 1), f32(b, 1, 28, 28), f32(16, 1, 8, 8));
            conv("fwd 16->32 4x4 s2", conv2d(2, 0, 0, 1, 1, 1), f32(b, 16, 13, 13), f32(32, 16, 4, 4));
            conv("input grad 16->32 (lhs dilation 2; flops count holes)",
                    new ConvGeneralDilated(Ints.of(1, 1), Ints.of(3, 3), Ints.of(4, 4), Ints.of(2, 2), Ints.of(1, 1), 1, 1),
                    f32(b, 32, 5, 5), f32(16, 32, 4, 4));
            conv("kernel grad 1->16 (rhs dilation 2)", conv2d(1, 3, 3, 1, 2, 1), f32(1, b, 28, 28), f32(16, b, 14, 14));
            conv("kernel grad 16->32 (rhs dilation 2, pad -1)",
                    new ConvGeneralDilated(Ints.of(1, 1), Ints.of(0, 0), Ints.of(-1, -1), Ints.of(1, 1), Ints.of(2, 2), 1, 1),
                    f32(16, b, 13, 13), f32(32, b, 5, 5));
            conv("per-example kernel grad 1->16 (groups=B)", conv2d(1, 3, 3, 1, 2, b), f32(1, b, 28, 28),
                    f32(b * 16, 1, 14, 14));
            conv("per-example kernel grad 16->32 (groups=B)",
                    new ConvGeneralDilated(Ints.of(1, 1), Ints.of(0, 0), Ints.of(-1, -1), Ints.of(1, 1), Ints.of(2, 2), b, 1),
                    f32(16, b, 13, 13), f32(b * 32, 1, 5, 5));
        }
    }

    static TensorType f32(int... dims) {
        return TensorType.of(DType.F32, dims);
    }

    static ConvGeneralDilated conv2d(int stride, int padLo, int padHi, int lhsDil, int rhsDil, int groups) {
        return new ConvGeneralDilated(Ints.of(stride, stride), Ints.of(padLo, padLo), Ints.of(padHi, padHi),
                Ints.of(lhsDil, lhsDil), Ints.of(rhsDil, rhsDil), groups, 1);
    }

    static void conv(String name, ConvGeneralDilated p, TensorType lhs, TensorType rhs) {
        String only = System.getProperty("bench.only");
        if (only != null && !name.contains(only)) {
            return;
        }
        Random rnd = new Random(1);
        ConvKernel kernel = ConvKernel.prepare(p, lhs, rhs);
        float[] l = randomArray(lhs.numel(), rnd), r = randomArray(rhs.numel(), rnd);
        float[] out = new float[kernel.outType().numel()], scratch = new float[kernel.scratchSize()];
        double flops = ConvGeometry.of(p, lhs, rhs).flops();
        double best = time(() -> kernel.run(l, 0, r, 0, out, 0, scratch, 0), flops);
        System.out.printf(Locale.ROOT, "conv %-52s %s*%s: %6.1f GFLOP/s %7.2f ms  [%s]%n", name, lhs, rhs, best,
                flops / best / 1e6, kernel);
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

    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * Best GFLOP/s of {@code op} over repetitions lasting about a second in all: by wall time,
     * or, with {@code -Dbench.cpu=true} (meaningful with {@code -Dkiln.threads=1}), by the calling
     * thread's CPU time, which a loaded shared machine disturbs much less.
     */
    static double time(Runnable op, double flops) {
        boolean cpu = Boolean.getBoolean("bench.cpu");
        long warmEnd = System.nanoTime() + 500_000_000L;
        int calls = 0;
        while (System.nanoTime() < warmEnd || calls < 3) {
            op.run();
            calls++;
        }
        double best = 0;
        long end = System.nanoTime() + 1_000_000_000L;
        for (int rep = 0; System.nanoTime() < end || rep < 3; rep++) {
            long t0 = cpu ? CPU.getCurrentThreadCpuTime() : System.nanoTime();
            op.run();
            long t = (cpu ? CPU.getCurrentThreadCpuTime() : System.nanoTime()) - t0;
            best = Math.max(best, flops / Math.max(1, t));
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
