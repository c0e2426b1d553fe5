package dev.kiln.codegen.jvm;

import static dev.kiln.codegen.jvm.G.lit;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Var;
import dev.kiln.ir.gen.RandomPrograms;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.UnaryOp;
import dev.kiln.runtime.CompileOptions;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Measures a few kernels fused and unfused (run by hand, not a test: timings are reported, never
 * asserted). {@code java -cp ... --add-modules jdk.incubator.vector dev.kiln.codegen.jvm.KernelTimings}
 */
public final class KernelTimings {
    private KernelTimings() {
    }

    public static void main(String[] args) {
        System.out.println("vector API: " + Vectorization.enabled() + ", cores: " + Runtime.getRuntime().availableProcessors());
        time("elementwise chain tanh(2*exp(x)+y), 4M f32", chain(1 << 22));
        time("softmax rows [1024,1000] f32", softmax(1024, 1000));
        time("clip-scale-and-sum [128,26010] f32", clipAndSum(128, 26010));
        time("matmul+bias+relu [128,104]x[104,50]", dense(128, 104, 50));
        time("cheap chain relu(x*a+b)*c, 4M f32", cheapChain(1 << 22));
    }

    static Graph chain(int n) {
        G g = new G();
        Var x = g.f32(n), y = g.f32(n);
        return g.build(g.un(UnaryOp.TANH, g.add(g.mul(g.un(UnaryOp.EXP, x), lit(2)), y)));
    }

    static Graph cheapChain(int n) {
        G g = new G();
        Var x = g.f32(n), a = g.f32(n), b = g.f32(n), c = g.f32(n);
        return g.build(g.mul(g.bin(BinaryOp.MAX, g.add(g.mul(x, a), b), lit(0)), c));
    }

    static Graph softmax(int b, int c) {
        G g = new G();
        Var z = g.f32(b, c);
        Var e = g.un(UnaryOp.EXP, g.bin(BinaryOp.SUB, z, g.bcast(g.max(z, 1), new int[] {b, c}, 0)));
        return g.build(g.bin(BinaryOp.DIV, e, g.bcast(g.sum(e, 1), new int[] {b, c}, 0)));
    }

    static Graph clipAndSum(int b, int p) {
        G g = new G();
        Var grads = g.f32(b, p);
        Var norms = g.un(UnaryOp.SQRT, g.sum(g.mul(grads, grads), 1));
        Var factor = g.bin(BinaryOp.MIN, lit(1), g.bin(BinaryOp.DIV, lit(1), g.add(norms, lit(1e-6f))));
        return g.build(g.sum(g.mul(grads, g.bcast(factor, new int[] {b, p}, 0)), 0));
    }

    static Graph dense(int b, int i, int o) {
        G g = new G();
        Var x = g.f32(b, i), w = g.f32(i, o), bias = g.f32(o);
        return g.build(g.bin(BinaryOp.MAX, g.add(g.matmul(x, w), g.bcast(bias, new int[] {b, o}, 1)), lit(0)));
    }

    static void time(String what, Graph graph) {
        List<ArrayData> in = RandomPrograms.randomInputs(graph, new Random(1));
        for (boolean fuse : new boolean[] {true, false}) {
            JvmExecutable exe = JvmCompiler.compile(graph, CompileOptions.defaults("timing").withFusion(fuse));
            double ms = median(exe, in);
            System.out.printf("%-45s %-8s %3d kernels  %9.3f ms  arena %d KiB%n", what, fuse ? "fused" : "unfused",
                    exe.kernelNames().size(), ms, exe.arenaBytes() / 1024);
        }
    }

    static double median(JvmExecutable exe, List<ArrayData> in) {
        // Vector API code is very slow until C2 compiles it: warm up for a while, not a few runs.
        long until = System.nanoTime() + 3_000_000_000L;
        for (int i = 0; i < 200 || System.nanoTime() < until; i++) {
            exe.run(in);
        }
        double[] t = new double[101];
        for (int i = 0; i < t.length; i++) {
            long s = System.nanoTime();
            exe.run(in);
            t[i] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }
}
