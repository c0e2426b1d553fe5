package dev.kiln.codegen.jvm;

import static dev.kiln.codegen.jvm.G.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.Var;
import dev.kiln.ir.gen.RandomPrograms;
import dev.kiln.ir.interp.Interpreter;
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
