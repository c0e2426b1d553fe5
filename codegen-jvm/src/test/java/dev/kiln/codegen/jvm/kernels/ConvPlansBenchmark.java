package dev.kiln.codegen.jvm.kernels;

import dev.kiln.ir.DType;
import dev.kiln.ir.Ints;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.ConvGeneralDilated;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A hand-run comparison of every f32 convolution plan on the convolutions of the paper CNNs'
 * training steps (forward, input gradient, kernel gradient, per-example kernel gradient), batch
 * 128: prints each plan's GFLOP/s and which one {@link ConvKernel} picks. Not a test. Run from the
 * worktree root after {@code mvn -pl codegen-jvm -am test-compile}:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dkiln.threads=1 -Dbench.cpu=true \
 *      -cp ir/target/classes:codegen-jvm/target/classes:codegen-jvm/target/test-classes \
 *      dev.kiln.codegen.jvm.kernels.ConvPlansBenchmark [name filter]
 * </pre>
 *
 * {@code -Dbench.plans=gathered,inner} times only the chosen plan and the plans whose description
 * contains one of the words (some plans take seconds on shapes they do not suit).
 *
 * <p>GFLOP/s count the flops of the equivalent dense convolution (the holes of lhs dilation not
 * counted, padding counted), so plans and shapes compare directly.
 */
public final class ConvPlansBenchmark {
    private ConvPlansBenchmark() {
    }

    record Shape(String name, ConvGeneralDilated p, TensorType lhs, TensorType rhs) {
    }

    static List<Shape> shapes() {
        int b = 128;
        List<Shape> s = new ArrayList<>();
        s.add(new Shape("mnist fwd1", conv(2, 3, 3, 1, 1, 1), f32(b, 1, 28, 28), f32(16, 1, 8, 8)));
        s.add(new Shape("mnist fwd2", conv(2, 0, 0, 1, 1, 1), f32(b, 16, 13, 13), f32(32, 16, 4, 4)));
        s.add(new Shape("mnist igrad2", conv(1, 3, 4, 2, 1, 1), f32(b, 32, 5, 5), f32(16, 32, 4, 4)));
        s.add(new Shape("mnist kgrad1", conv(1, 3, 3, 1, 2, 1), f32(1, b, 28, 28), f32(16, b, 14, 14)));
        s.add(new Shape("mnist kgrad2", conv(1, 0, -1, 1, 2, 1), f32(16, b, 13, 13), f32(32, b, 5, 5)));
        s.add(new Shape("mnist pekg1", conv(1, 3, 3, 1, 2, b), f32(1, b, 28, 28), f32(b * 16, 1, 14, 14)));
        s.add(new Shape("mnist pekg2", conv(1, 0, -1, 1, 2, b), f32(16, b, 13, 13), f32(b * 32, 1, 5, 5)));
        int[][] layers = {{3, 32, 32}, {32, 32, 32}, {32, 64, 16}, {64, 64, 16}, {64, 128, 8}, {128, 128, 8},
            {128, 256, 4}, {256, 10, 4}};
        for (int[] l : layers) {
            int c = l[0], o = l[1], h = l[2];
            String tag = c + "->" + o + "@" + h;
            s.add(new Shape("cifar fwd " + tag, conv(1, 1, 1, 1, 1, 1), f32(b, c, h, h), f32(o, c, 3, 3)));
            if (c > 3) {
                s.add(new Shape("cifar igrad " + tag, conv(1, 1, 1, 1, 1, 1), f32(b, o, h, h), f32(c, o, 3, 3)));
            }
            s.add(new Shape("cifar kgrad " + tag, conv(1, 1, 1, 1, 1, 1), f32(c, b, h, h), f32(o, b, h, h)));
            s.add(new Shape("cifar pekg " + tag, conv(1, 1, 1, 1, 1, b), f32(c, b, h, h), f32(b * o, 1, h, h)));
        }
        return s;
    }

    public static void main(String[] args) {
        String only = args.length > 0 ? args[0] : "";
        System.out.printf(Locale.ROOT, "threads=%d timing=%s%n", Parallel.threads(),
                Boolean.getBoolean("bench.cpu") ? "thread cpu time" : "wall time");
        for (Shape s : shapes()) {
            if (!s.name().contains(only)) {
                continue;
            }
            ConvGeometry g = ConvGeometry.of(s.p(), s.lhs(), s.rhs());
            double flops = g.flops() / (double) ConvGeometry.product(g.lhsDilation());
            ConvKernel chosen = ConvKernel.prepare(s.p(), s.lhs(), s.rhs());
            System.out.printf(Locale.ROOT, "%-24s %s*%s  %.0f MFLOP  chosen: %s%n", s.name(), s.lhs(), s.rhs(), flops / 1e6,
                    chosen);
            Random rnd = new Random(1);
            float[] l = KernelBenchmark.randomArray(s.lhs().numel(), rnd), r = KernelBenchmark.randomArray(s.rhs().numel(), rnd);
            List<ConvKernel> kernels = new ArrayList<>(List.of(chosen));
            for (ConvKernel k : ConvKernel.everyPlan(s.p(), s.lhs(), s.rhs())) {
                if (wanted(k)) {
                    kernels.add(k);
                }
            }
            for (ConvKernel k : kernels) {
                float[] out = new float[k.outType().numel()], scratch = new float[k.scratchSize()];
                double best = KernelBenchmark.time(() -> k.run(l, 0, r, 0, out, 0, scratch, 0), flops);
                System.out.printf(Locale.ROOT, "    %7.1f GFLOP/s %8.3f ms  %s%n", best, flops / best / 1e6, k);
            }
        }
    }

    private static boolean wanted(ConvKernel k) {
        String plans = System.getProperty("bench.plans", "");
        if (plans.isEmpty()) {
            return true;
        }
        for (String word : plans.split(",")) {
            if (k.toString().contains(word)) {
                return true;
            }
        }
        return false;
    }

    static TensorType f32(int... dims) {
        return TensorType.of(DType.F32, dims);
    }

    static ConvGeneralDilated conv(int stride, int padLo, int padHi, int lhsDil, int rhsDil, int groups) {
        return new ConvGeneralDilated(Ints.of(stride, stride), Ints.of(padLo, padLo), Ints.of(padHi, padHi),
                Ints.of(lhsDil, lhsDil), Ints.of(rhsDil, rhsDil), groups, 1);
    }
}
