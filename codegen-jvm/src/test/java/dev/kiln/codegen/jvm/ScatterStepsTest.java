package dev.kiln.codegen.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.fusion.FusedKernel;
import dev.kiln.ir.fusion.KernelKind;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.prim.ScatterAdd;
import dev.kiln.ir.prim.UnaryOp;
import dev.kiln.runtime.CompileOptions;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The JVM backend's own steps for scatters into a broadcast scalar ({@link ScatterSteps}): they
 * must compute what the interpreter computes, and take over exactly where they may.
 */
class ScatterStepsTest {
    /**
     * The per-example squared norms of a scatter into {@code fill}: {@code sum_v (scatter of u)^2}
     * with rows of {@code row} elements (0: rank-0 rows), as DP-SGD clips an embedding's gradient.
     * With {@code ones} the updates are a broadcast 1 (the token counts ScatterClipping leaves for a
     * mean-pooled embedding), else an input. The IR optimiser keeps the dense scatter only where
     * that is cheaper than its own rewrites: many tokens per example, or uniform updates.
     */
    static Graph norms(DType d, int batch, int tokens, int vocab, int row, double fill, boolean ones, boolean alsoOutputScatter) {
        G g = new G();
        Var idx = g.in(DType.I32, batch, tokens);
        int[] updShape = row == 0 ? new int[] {batch, tokens} : new int[] {batch, tokens, row};
        Var upd = ones ? g.bcast(g.b.addConstant(ArrayData.scalar(1, d)), updShape) : g.in(d, updShape);
        Var scalar = g.b.addConstant(ArrayData.scalar(fill, d));
        Var zeros = g.bcast(scalar, row == 0 ? new int[] {batch, vocab} : new int[] {batch, vocab, row});
        Var s = g.eq(new ScatterAdd(1), zeros, idx, upd);
        Var norms = row == 0 ? g.sum(g.mul(s, s), 1) : g.sum(g.mul(s, s), 1, 2);
        return alsoOutputScatter ? g.build(norms, s) : g.build(norms);
    }

    /** Tokens at both ends of the vocabulary and many repeats, and random updates (where they are an input). */
    static List<ArrayData> inputs(Graph graph, long seed) {
        Random rnd = new Random(seed);
        TensorType it = graph.inputs().get(0).type();
        int vocab = vocabOf(graph);
        int[] idx = new int[it.numel()];
        for (int j = 0; j < idx.length; j++) {
            idx[j] = switch (rnd.nextInt(4)) {
                case 0 -> 0;
                case 1 -> vocab - 1;
                default -> rnd.nextInt(Math.min(vocab, 7));
            };
        }
        List<ArrayData> in = new java.util.ArrayList<>(List.of(ArrayData.of(idx, it.shape().toArray())));
        for (Var v : graph.inputs().subList(1, graph.inputs().size())) {
            ArrayData u = ArrayData.zeros(v.type());
            for (int i = 0; i < u.size(); i++) {
                u.setDouble(i, rnd.nextInt(3) == 0 ? 1 : rnd.nextGaussian());
            }
            in.add(u);
        }
        return in;
    }

    private static int vocabOf(Graph graph) {
        return graph.equations().stream().filter(e -> e.primitive() instanceof ScatterAdd).findFirst().orElseThrow()
                .out().type().dim(1);
    }

    /** The name of the plan's (one) broadcast kernel: the broadcast of the scatter's operand. */
    private static String broadcastKernel(JvmExecutable exe) {
        for (FusedKernel k : exe.plan().fusion().kernels()) {
            if (k.name().contains("broadcast_in_dim")) {
                return k.name();
            }
        }
        return null;
    }

    /** The index of the plan's (one) reduction kernel. */
    private static int reduction(JvmExecutable exe) {
        return exe.plan().fusion().kernels().stream().filter(k -> k.kind() == KernelKind.REDUCTION).findFirst()
                .orElseThrow().index();
    }

    @Test
    void embeddingNormsMatchTheInterpreterWithoutTheScatter() {
        for (DType d : new DType[] {DType.F32, DType.F64}) {
            for (int batch : new int[] {1, 3}) {
                for (Graph graph : List.of(norms(d, batch, 300, 10004, 0, 0, true, false), norms(d, batch, 200, 7, 0, 0, false, false),
                        norms(d, batch, 200, 7, 5, 0, false, false))) {
                    String what = d + " norms batch " + batch + " " + graph.inputs();
                    JvmCrossCheck.check(graph, inputs(graph, batch), what);
                    JvmExecutable exe = JvmCrossCheck.compile(graph, true, true);
                    // Neither the zeros nor the ones are broadcast: the norms read the scalars.
                    assertTrue(exe.kernelNames().stream().noneMatch(n -> n.contains("broadcast")), what + exe.kernelNames());
                    assertTrue(ScatterSteps.of(exe.plan(), l -> null).replaces(reduction(exe)), what + exe.plan().fusion().text());
                }
            }
        }
    }

    @Test
    void aScatterThatIsAlsoAnOutputIsStillBuilt() {
        Graph graph = norms(DType.F32, 2, 200, 11, 0, 0, false, true);
        JvmCrossCheck.check(graph, inputs(graph, 3), "norms and scatter");
        JvmExecutable exe = JvmCrossCheck.compile(graph, true, true);
        assertFalse(ScatterSteps.of(exe.plan(), l -> null).replaces(reduction(exe)), exe.plan().fusion().text());
    }

    @Test
    void aNonzeroFillIsBroadcastByTheScatterButNotTakenForZero() {
        Graph graph = norms(DType.F32, 2, 200, 11, 3, 0.5, false, false);
        JvmCrossCheck.check(graph, inputs(graph, 4), "norms of a scatter into 0.5");
        JvmExecutable exe = JvmCrossCheck.compile(graph, true, true);
        assertFalse(exe.kernelNames().contains(broadcastKernel(exe)), exe.kernelNames().toString());
        assertFalse(ScatterSteps.of(exe.plan(), l -> null).replaces(reduction(exe)), exe.plan().fusion().text());
    }

    @Test
    void aComputedFillIsNotReadInPlaceOfItsBroadcast() {
        G g = new G();
        Var idx = g.in(DType.I32, 2, 5);
        Var upd = g.f32(2, 5, 4);
        Var x = g.f32();
        Var fill = g.un(UnaryOp.NEG, x);
        Var s = g.eq(new ScatterAdd(1), g.bcast(fill, new int[] {2, 8, 4}), idx, upd);
        Graph graph = g.build(g.un(UnaryOp.EXP, s));
        List<ArrayData> in = inputs(graph, 5);
        ArrayData scalar = ArrayData.scalar(0.25, DType.F32);
        JvmCrossCheck.check(graph, List.of(in.get(0), in.get(1), scalar), "scatter into a computed fill");
    }

    @Test
    void aScatterIntoAnInputScalarsBroadcastMatchesTheInterpreter() {
        G g = new G();
        Var x = g.f32();
        Var idx = g.in(DType.I32, 3, 4);
        Var upd = g.f32(3, 4);
        Var s = g.eq(new ScatterAdd(0), g.bcast(x, new int[] {6, 3}, new int[0]), idx, g.bcast(upd, new int[] {3, 4, 3}, 0, 1));
        Graph graph = g.build(g.mul(s, G.lit(2)));
        ArrayData idxData = ArrayData.of(new int[] {0, 5, 5, 2, 0, 0, 1, 5, 3, 3, 4, 0}, 3, 4);
        ArrayData updData = ArrayData.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 3, 4);
        JvmCrossCheck.check(graph, List.of(ArrayData.scalar(-1.5, DType.F32), idxData, updData), "scatter into input fill");
        JvmExecutable exe = JvmCrossCheck.compile(graph, true, true);
        assertFalse(exe.kernelNames().contains(broadcastKernel(exe)), exe.kernelNames().toString());
    }

    @Test
    void anOutOfRangeTokenFailsAsTheInterpreterFails() {
        Graph graph = norms(DType.F32, 2, 200, 11, 0, 0, false, false);
        List<ArrayData> in = inputs(graph, 6);
        int[] idx = in.get(0).intStorage().clone();
        idx[208] = 11;
        List<ArrayData> bad = List.of(ArrayData.of(idx, 2, 200), in.get(1));
        KilnException expected = assertThrows(KilnException.class, () -> Interpreter.run(graph, bad));
        JvmExecutable exe = JvmCompiler.compile(graph, CompileOptions.defaults("test"));
        KilnException actual = assertThrows(KilnException.class, () -> exe.run(bad));
        assertEquals("scatter_add", actual.operation());
        assertTrue(actual.getMessage().contains("index 11 at indices position [1, 8]"), actual.getMessage());
        assertTrue(expected.getMessage().contains("index 11"), expected.getMessage());
    }
}
