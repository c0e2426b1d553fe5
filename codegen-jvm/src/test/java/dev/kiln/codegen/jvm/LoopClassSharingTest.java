package dev.kiln.codegen.jvm;

import static dev.kiln.codegen.jvm.G.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.Var;
import dev.kiln.ir.gen.RandomPrograms;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.kernel.KernelProgram;
import dev.kiln.ir.kernel.LoopKernel;
import dev.kiln.ir.prim.Reshape;
import dev.kiln.ir.prim.Slice;
import dev.kiln.ir.prim.UnaryOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Loop kernels equal up to their buffers share one generated class, within and across compiles. */
class LoopClassSharingTest {
    private static final int STEPS = 12, N = 37;

    /**
     * An unrolled recurrence {@code h = tanh(x[t] * h + sum(h))}: each step is a reduction kernel
     * and a loop kernel reading another slice of {@code x} (another constant address part) and
     * other buffers, and computing the same.
     */
    private static Graph recurrence() {
        G g = new G();
        Var x = g.f32(STEPS, N);
        Var h = g.f32(N);
        List<Var> outs = new ArrayList<>();
        for (int t = 0; t < STEPS; t++) {
            Var xt = g.eq(new Reshape(Shape.of(N)),
                    g.eq(new Slice(Ints.of(t, 0), Ints.of(t + 1, N), Ints.of(1, 1)), x));
            h = g.un(UnaryOp.TANH, g.add(g.mul(xt, h), g.bcast(g.mul(g.sum(h, 0), lit(0.01)), new int[] {N})));
            outs.add(h);
        }
        return g.build(outs.toArray(Var[]::new));
    }

    @Test
    void stepsOfAnUnrolledLoopShareOneClassAndComputeTheirOwnResults() {
        Graph graph = recurrence();
        JvmExecutable exe = JvmCrossCheck.compile(graph, true, true);
        assertEquals(2 * STEPS, exe.kernelNames().size(), exe.plan().fusion().text());
        assertEquals(2, exe.loopClassCount(), exe.plan().program().text());
        List<ArrayData> in = RandomPrograms.randomInputs(graph, new Random(1));
        List<ArrayData> expected = Interpreter.run(graph, in);
        List<ArrayData> out = exe.run(in);
        for (int i = 0; i < out.size(); i++) {
            JvmCrossCheck.assertClose(expected.get(i), out.get(i), "step " + i);
        }
    }

    @Test
    void kernelsLoweredAsCopiesOfAnEarlierStepRunOnTheirOwnBuffers() {
        Graph graph = recurrence();
        JvmExecutable exe = JvmCrossCheck.compile(graph, true, true);
        KernelProgram p = exe.plan().program();
        List<LoopKernel> loops = p.kernels().stream().filter(k -> k instanceof LoopKernel).map(k -> (LoopKernel) k).toList();
        long copies = loops.stream().filter(l -> p.template(l) != l).count();
        // Step 0 reads a graph input (a buffer of another kind); steps 2.. copy step 1's reduction
        // and its loop kernel, which reads x[t] at another offset (shifted, with bases of its own).
        assertTrue(copies >= 2 * (STEPS - 2), "the steps' kernels are copies of the second's: " + p.text());
        for (LoopKernel l : loops) {
            LoopKernel t = p.template(l);
            assertEquals(t.reads().size(), l.reads().size());
            assertEquals(t == l, t.reads().equals(l.reads()), l.name() + " reads its own buffers");
        }
        List<ArrayData> in = RandomPrograms.randomInputs(graph, new Random(3));
        List<ArrayData> expected = Interpreter.run(graph, in);
        List<ArrayData> out = exe.run(in);
        for (int i = 0; i < out.size(); i++) {
            JvmCrossCheck.assertClose(expected.get(i), out.get(i), "step " + i);
        }
    }

    /** Equal reductions but for the dtype of their operand, or for their reduced axis, are not copies of each other. */
    @Test
    void reductionsDifferingInDtypeOrAxisAreLoweredApartAndMatchTheInterpreter() {
        G g = new G();
        Var a = g.in(DType.F32, 6, 5), b = g.in(DType.F64, 6, 5), c = g.f32(6, 5), d = g.f32(6, 5);
        Graph graph = g.build(g.sum(g.un(UnaryOp.EXP, a), 1), g.sum(g.un(UnaryOp.EXP, b), 1),
                g.sum(g.un(UnaryOp.EXP, c), 0), g.sum(g.un(UnaryOp.EXP, d), 1));
        JvmExecutable exe = JvmCrossCheck.compile(graph, true, true);
        KernelProgram p = exe.plan().program();
        List<LoopKernel> loops = p.kernels().stream().filter(k -> k instanceof LoopKernel).map(k -> (LoopKernel) k).toList();
        assertEquals(4, loops.size(), p.text());
        assertEquals(List.of(false, false, false, true), loops.stream().map(l -> p.template(l) != l).toList(), p.text());
        assertEquals(loops.getFirst(), p.template(loops.get(3)));
        List<ArrayData> in = RandomPrograms.randomInputs(graph, new Random(4));
        List<ArrayData> expected = Interpreter.run(graph, in);
        List<ArrayData> out = exe.run(in);
        for (int i = 0; i < out.size(); i++) {
            JvmCrossCheck.assertClose(expected.get(i), out.get(i), "output " + i);
        }
    }

    @Test
    void aSecondCompileOfAnEqualGraphDefinesNoNewClass() {
        JvmExecutable first = JvmCrossCheck.compile(recurrence(), true, true);
        Graph again = recurrence();
        JvmExecutable second = JvmCrossCheck.compile(again, true, true);
        assertEquals(first.loopClasses(), second.loopClasses());
        List<ArrayData> in = RandomPrograms.randomInputs(again, new Random(2));
        List<ArrayData> expected = Interpreter.run(again, in);
        List<ArrayData> out = second.run(in);
        for (int i = 0; i < out.size(); i++) {
            JvmCrossCheck.assertClose(expected.get(i), out.get(i), "step " + i);
        }
    }

    @Test
    void executablesSharingClassesRunConcurrently() throws Exception {
        int threads = 6, runs = 30;
        List<Graph> graphs = new ArrayList<>();
        List<JvmExecutable> exes = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Graph g = recurrence();
            graphs.add(g);
            exes.add(JvmCrossCheck.compile(g, true, true));
        }
        for (JvmExecutable e : exes) {
            assertEquals(exes.getFirst().loopClasses(), e.loopClasses());
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    for (int r = 0; r < runs; r++) {
                        List<ArrayData> in = RandomPrograms.randomInputs(graphs.get(id), new Random(id * 1000L + r));
                        List<ArrayData> expected = Interpreter.run(graphs.get(id), in);
                        List<ArrayData> out = exes.get(id).run(in);
                        for (int i = 0; i < out.size(); i++) {
                            JvmCrossCheck.assertClose(expected.get(i), out.get(i), "thread " + id + " run " + r + " step " + i);
                        }
                    }
                    return runs;
                }));
            }
            for (Future<Integer> f : done) {
                assertEquals(runs, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
