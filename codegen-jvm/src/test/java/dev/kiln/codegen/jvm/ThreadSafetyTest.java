package dev.kiln.codegen.jvm;

import static dev.kiln.codegen.jvm.G.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Var;
import dev.kiln.ir.gen.RandomPrograms;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.UnaryOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One executable run from many threads at once gives each thread its own correct results. */
class ThreadSafetyTest {

    @Test
    void manyThreadsRunningOneExecutableGetTheirOwnResults() throws Exception {
        G g = new G();
        Var x = g.f32(64, 32), w = g.f32(32, 10), b = g.f32(10);
        Var z = g.add(g.matmul(g.un(UnaryOp.TANH, x), w), g.bcast(b, new int[] {64, 10}, 1));
        Var m = g.max(z, 1);
        Var e = g.un(UnaryOp.EXP, g.bin(BinaryOp.SUB, z, g.bcast(m, new int[] {64, 10}, 0)));
        Var p = g.bin(BinaryOp.DIV, e, g.bcast(g.sum(e, 1), new int[] {64, 10}, 0));
        Var loss = g.mul(g.sum(g.un(UnaryOp.LOG, p), 0, 1), lit(-1f / 64));
        Graph graph = g.build(p, loss);
        JvmExecutable exe = JvmCrossCheck.compile(graph, true, true);

        int threads = 8, runs = 40;
        List<List<ArrayData>> inputs = new ArrayList<>();
        List<List<ArrayData>> expected = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<ArrayData> in = RandomPrograms.randomInputs(graph, new Random(t));
            inputs.add(in);
            expected.add(Interpreter.run(graph, in));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    for (int r = 0; r < runs; r++) {
                        List<ArrayData> out = exe.run(inputs.get(id));
                        for (int i = 0; i < out.size(); i++) {
                            JvmCrossCheck.assertClose(expected.get(id).get(i), out.get(i), "thread " + id + " run " + r);
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
