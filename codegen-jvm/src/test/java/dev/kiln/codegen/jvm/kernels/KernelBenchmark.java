package dev.kiln.codegen.jvm.kernels;

import dev.kiln.ir.DType;
import dev.kiln.ir.Ints;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.Gather;
import dev.kiln.ir.prim.ReduceWindow;
import dev.kiln.ir.prim.ScatterAdd;
import dev.kiln.ir.prim.SelectAndScatterAdd;
import dev.kiln.ir.prim.WindowKind;
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
 * Modes: {@code gemm}, {@code dot}, {@code conv}, {@code window}, {@code f64}, {@code pool} (the
 * thread pool's dispatch cost) or {@code all}; {@code -Dbench.only=text} keeps the convolutions
 * whose name contains the text; {@code -Dkiln.threads=1 -Dbench.cpu=true} times one thread by its
 * CPU time, which a loaded shared machine disturbs much less than wall time. Each figure is the
 * best of repeated runs after warm-up; run it a few times.
 *
 * <p>Figures from 2026-11-23 on the shared 2-core Zen 4 (load average 6-8 from other jobs; one
 * thread, CPU time; GFLOP/s count useful flops, batch 128):
 * <pre>
 * gemm 512^3                         95-106   (2 threads, wall: 135-176 when a core was free)
 * CIFAR fwd 3->32 / 32->32 / 64->64  42 / 69 / 72      (32->32 is also its input gradient)
 * CIFAR kernel grad 3->32 / 32->32   57 / 65
 * CIFAR per-example kernel grad      50 / 76            (feature_group_count = 128)
 * MNIST fwd conv1 / conv2            36 / 23
 * MNIST input grad conv2             4.0 ms  (was 21 ms with im2col over the dilation holes)
 * MNIST kernel grad conv1 / conv2    39 / 19;  per-example 39 / 12
 * dot: per-example grads over time [128,256,400]^T[128,256,100]  65;  512^3  103
 * </pre>
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
        if (what.equals("dot") || what.equals("all")) {
            int b = 128;
            System.out.println("-- dot_general of the paper models, batch " + b);
            DotGeneral xwT = new DotGeneral(Ints.of(1), Ints.of(1), Ints.empty(), Ints.empty());
            dot("logistic forward x.W^T", xwT, f32(b, 104), f32(2, 104));
            dot("FFNN forward x.W^T", xwT, f32(b, 104), f32(50, 104));
            dot("FFNN weight grad g^T.x", new DotGeneral(Ints.of(0), Ints.of(0), Ints.empty(), Ints.empty()),
                    f32(b, 50), f32(b, 104));
            DotGeneral perExample = new DotGeneral(Ints.of(2), Ints.of(1), Ints.of(0), Ints.of(0));
            dot("per-example outer products (K=1)", perExample, f32(b, 50, 1), f32(b, 1, 104));
            dot("per-example outer products (K=1)", perExample, f32(b, 2, 1), f32(b, 1, 50));
            dot("per-example grads over time [B,T,out]^T[B,T,in]",
                    new DotGeneral(Ints.of(1), Ints.of(1), Ints.of(0), Ints.of(0)), f32(b, 256, 400), f32(b, 256, 100));
            dot("LSTM step x.W^T", xwT, f32(b, 100), f32(400, 100));
            dot("matmul 512^3", DotGeneral.matmul(), f32(512, 512), f32(512, 512));
        }
        if (what.equals("window") || what.equals("all")) {
            System.out.println("-- pooling and indexing of the paper models, batch 128 (GB/s of operand read)");
            window("MNIST MaxPool(2, stride 1)", WindowKind.MAX, f32(128, 16, 14, 14), 1);
            window("CIFAR AvgPool 2 (sum, stride 2)", WindowKind.SUM, f32(128, 32, 32, 32), 2);
            selectAndScatter("MNIST MaxPool(2, stride 1) gradient", f32(128, 16, 14, 14), 1);
            embedding();
        }
        if (what.equals("embedding")) {
            embedding();
        }
        if (what.equals("f64") || what.equals("all")) {
            System.out.println("-- f64 paths (correctness first)");
            f64Conv(conv2d(1, 1, 1, 1, 1, 1), TensorType.of(DType.F64, 16, 32, 32, 32), TensorType.of(DType.F64, 32, 32, 3, 3));
            f64Dot(TensorType.of(DType.F64, 256, 256), TensorType.of(DType.F64, 256, 256));
        }
        if (what.equals("pool") || what.equals("all")) {
            pool();
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

    /** The cost of handing a job to the pool: an empty two-chunk parallelFor, median of many. */
    static void pool() {
        int reps = 20000;
        long[] t = new long[reps];
        java.util.concurrent.atomic.AtomicInteger sink = new java.util.concurrent.atomic.AtomicInteger();
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                Parallel.parallelFor(2, 1, (lane, from, to) -> sink.addAndGet(to - from));
                t[i] = System.nanoTime() - t0;
            }
        }
        java.util.Arrays.sort(t);
        System.out.printf(Locale.ROOT, "parallelFor dispatch+join (2 chunks, empty body): median %.1f us, p90 %.1f us%n",
                t[reps / 2] / 1e3, t[reps * 9 / 10] / 1e3);
        // two chunks of busy work each: how much of the ideal 2x does the pool deliver?
        for (long micros : new long[] {2, 5, 10, 20, 50, 200}) {
            int n = (int) Math.max(50, 20000 / micros);
            long[] par = new long[n], ser = new long[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                Parallel.parallelFor(2, 1, (lane, from, to) -> spin(micros * (to - from)));
                par[i] = System.nanoTime() - t0;
                t0 = System.nanoTime();
                spin(2 * micros);
                ser[i] = System.nanoTime() - t0;
            }
            java.util.Arrays.sort(par);
            java.util.Arrays.sort(ser);
            System.out.printf(Locale.ROOT, "  2 x %3d us of work: serial %.1f us, parallelFor median %.1f us (speedup %.2f)%n",
                    micros, ser[n / 2] / 1e3, par[n / 2] / 1e3, ser[n / 2] / (double) par[n / 2]);
        }
    }

    private static void spin(long micros) {
        long end = System.nanoTime() + micros * 1000;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    static void dot(String name, DotGeneral p, TensorType lhs, TensorType rhs) {
        Random rnd = new Random(1);
        DotGeneralKernel kernel = DotGeneralKernel.prepare(p, lhs, rhs);
        float[] l = randomArray(lhs.numel(), rnd), r = randomArray(rhs.numel(), rnd);
        float[] out = new float[kernel.outType().numel()], scratch = new float[kernel.scratchSize()];
        double flops = 2.0 * kernel.outType().numel() * contractSize(p, lhs);
        double best = time(() -> kernel.run(l, 0, r, 0, out, 0, scratch, 0), flops);
        System.out.printf(Locale.ROOT, "dot  %-52s %s x %s: %6.1f GFLOP/s %8.3f ms%n", name, lhs, rhs, best,
                flops / best / 1e6);
    }

    private static long contractSize(DotGeneral p, TensorType lhs) {
        long k = 1;
        for (int i = 0; i < p.lhsContract().size(); i++) {
            k *= lhs.dim(p.lhsContract().get(i));
        }
        return k;
    }

    static void window(String name, WindowKind kind, TensorType x, int stride) {
        ReduceWindow p = new ReduceWindow(kind, Ints.of(1, 1, 2, 2), Ints.of(1, 1, stride, stride), Ints.filled(4, 0),
                Ints.filled(4, 0));
        ReduceWindowKernel k = ReduceWindowKernel.prepare(p, x);
        float[] in = randomArray(x.numel(), new Random(1)), out = new float[k.outType().numel()];
        double bytes = 4.0 * x.numel();
        double best = time(() -> k.run(in, 0, out, 0), bytes);
        System.out.printf(Locale.ROOT, "pool %-52s %s: %6.1f GB/s %8.3f ms%n", name, x, best, bytes / best / 1e6);
    }

    static void selectAndScatter(String name, TensorType x, int stride) {
        SelectAndScatterAdd p = new SelectAndScatterAdd(Ints.of(1, 1, 2, 2), Ints.of(1, 1, stride, stride),
                Ints.filled(4, 0), Ints.filled(4, 0));
        TensorType src = ReduceWindowKernel.prepare(new ReduceWindow(WindowKind.MAX, p.windowDims(), p.strides(),
                p.padLow(), p.padHigh()), x).outType();
        SelectAndScatterAddKernel k = SelectAndScatterAddKernel.prepare(p, src, x);
        float[] in = randomArray(x.numel(), new Random(1)), s = randomArray(src.numel(), new Random(2));
        float[] out = new float[x.numel()];
        double bytes = 4.0 * x.numel();
        double best = time(() -> k.run(s, 0, in, 0, out, 0), bytes);
        System.out.printf(Locale.ROOT, "pool %-52s %s: %6.1f GB/s %8.3f ms%n", name, x, best, bytes / best / 1e6);
    }

    /** The embedding model's lookup and its per-example gradient (scatter_add with a batch dim). */
    static void embedding() {
        TensorType table = f32(10004, 16), tokens = TensorType.of(DType.I32, 128, 256);
        IndexKernels.Plan g = IndexKernels.prepareGather(new Gather(0), table, tokens);
        float[] t = randomArray(table.numel(), new Random(1)), out = new float[g.out().numel()];
        int[] idx = new Random(2).ints(tokens.numel(), 0, 10004).toArray();
        double bytes = 4.0 * out.length;
        double best = time(() -> IndexKernels.gather(g, t, 0, idx, 0, out, 0), bytes);
        System.out.printf(Locale.ROOT, "idx  %-52s %s: %6.1f GB/s %8.3f ms%n", "embedding gather", g.out(), best,
                bytes / best / 1e6);
        TensorType perExample = f32(128, 10004, 16);
        IndexKernels.Plan s = IndexKernels.prepareScatterAdd(new ScatterAdd(1), perExample, tokens, g.out());
        float[] zeros = new float[perExample.numel()], grad = new float[perExample.numel()];
        double sBytes = 4.0 * perExample.numel();
        double sBest = time(() -> IndexKernels.scatterAdd(s, zeros, 0, idx, 0, out, 0, grad, 0), sBytes);
        System.out.printf(Locale.ROOT, "idx  %-52s %s: %6.1f GB/s %8.3f ms%n", "per-example embedding gradient",
                perExample, sBest, sBytes / sBest / 1e6);
        IndexKernels.Plan sum = IndexKernels.prepareScatterAdd(new ScatterAdd(0), table, tokens, g.out());
        float[] tableGrad = new float[table.numel()];
        double sumBest = time(() -> IndexKernels.scatterAdd(sum.withScalarOperand(), new float[1], 0, idx, 0, out, 0,
                tableGrad, 0), bytes);
        System.out.printf(Locale.ROOT, "idx  %-52s %s: %6.1f GB/s %8.3f ms%n", "summed embedding gradient (from zero)",
                table, sumBest, bytes / sumBest / 1e6);
        TensorType counts = f32(128, 10004);
        IndexKernels.Plan c = IndexKernels.prepareScatterAdd(new ScatterAdd(1), counts, tokens, f32(128, 256));
        float[] ones = new float[tokens.numel()], norms = new float[128], scratch = new float[ScatterNorms.scratchSize(c)];
        java.util.Arrays.fill(ones, 1f);
        double nBest = time(() -> ScatterNorms.squaredNorms(c, idx, 0, ones, 0, norms, 0, scratch, false), 4.0 * ones.length);
        System.out.printf(Locale.ROOT, "idx  %-52s %s: %6.1f GB/s %8.3f ms%n", "per-example token-count norms",
                counts, nBest, 4.0 * ones.length / nBest / 1e6);
    }

    static void f64Conv(ConvGeneralDilated p, TensorType lhs, TensorType rhs) {
        Random rnd = new Random(1);
        ConvKernel kernel = ConvKernel.prepare(p, lhs, rhs);
        double[] l = rnd.doubles(lhs.numel()).toArray(), r = rnd.doubles(rhs.numel()).toArray();
        double[] out = new double[kernel.outType().numel()];
        double flops = ConvGeometry.of(p, lhs, rhs).flops();
        double best = time(() -> kernel.run(l, 0, r, 0, out, 0), flops);
        System.out.printf(Locale.ROOT, "f64  conv %s*%s: %6.1f GFLOP/s %8.2f ms%n", lhs, rhs, best, flops / best / 1e6);
    }

    static void f64Dot(TensorType lhs, TensorType rhs) {
        Random rnd = new Random(1);
        DotGeneralKernel kernel = DotGeneralKernel.prepare(DotGeneral.matmul(), lhs, rhs);
        double[] l = rnd.doubles(lhs.numel()).toArray(), r = rnd.doubles(rhs.numel()).toArray();
        double[] out = new double[kernel.outType().numel()], scratch = new double[kernel.scratchSize()];
        double flops = 2.0 * kernel.outType().numel() * lhs.dim(1);
        double best = time(() -> kernel.run(l, 0, r, 0, out, 0, scratch, 0), flops);
        System.out.printf(Locale.ROOT, "f64  matmul %s x %s: %6.1f GFLOP/s %8.2f ms%n", lhs, rhs, best, flops / best / 1e6);
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
        System.out.printf(Locale.ROOT, "conv %-52s %s*%s: %6.1f GFLOP/s %7.2f ms scratch %.1f MB [%s]%n", name, lhs, rhs,
                best, flops / best / 1e6, kernel.scratchSize() * 4e-6, kernel);
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
