package dev.kiln.vmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.GraphBuilder;
import dev.kiln.ir.Ints;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Literal;
import dev.kiln.ir.SourceLocation;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.Var;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.Gather;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.Transpose;
import dev.kiln.ir.prim.Unary;
import dev.kiln.ir.prim.UnaryOp;
import dev.kiln.ir.verify.GraphEquivalence;
import dev.kiln.tracer.FnN;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.Tracing;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the batched graphs look like: one grouped convolution, one batched dot_general, no copies
 * where a batch axis can ride along, source lines kept. The numbers are checked by the properties;
 * these check that the batched program is the efficient one.
 */
class BatchingStructureTest {
    private static final SourceLocation LINE = new SourceLocation("my.Model", "loss", "Model.java", 42);

    private static long count(Graph g, Class<? extends Primitive> p) {
        return g.equations().stream().filter(e -> p.isInstance(e.primitive())).count();
    }

    private static Graph conv(ConvGeneralDilated c, TensorType lhs, TensorType rhs) {
        GraphBuilder b = new GraphBuilder();
        Var x = b.addInput(lhs), w = b.addInput(rhs);
        return b.build(List.of(b.addEquation(c, List.of(x, w), LINE)));
    }

    @Test
    void vmapOfConvWithBatchedKernelIsOneGroupedConv() {
        ConvGeneralDilated c = ConvGeneralDilated.simple(Ints.of(1, 1), Ints.of(1, 1));
        Graph g = conv(c, TensorType.of(DType.F32, 2, 3, 6, 6), TensorType.of(DType.F32, 4, 3, 3, 3));
        Graph small = Batching.graph(g, new int[] {0, 0}, 3, new int[] {0});
        Graph large = Batching.graph(g, new int[] {0, 0}, 17, new int[] {0});
        assertEquals(1, count(small, ConvGeneralDilated.class));
        assertEquals(small.equations().size(), large.equations().size(), "no per-example loop");
        ConvGeneralDilated grouped = (ConvGeneralDilated) large.equations().stream()
                .filter(e -> e.primitive() instanceof ConvGeneralDilated).findFirst().orElseThrow().primitive();
        assertEquals(17, grouped.featureGroupCount());
        assertEquals(TensorType.of(DType.F32, 17, 2, 4, 6, 6), large.outputTypes().get(0));
    }

    @Test
    void vmapOfConvWithOnlyKernelBatchedStacksKernelsAlongOutputFeatures() {
        ConvGeneralDilated c = ConvGeneralDilated.simple(Ints.of(2), Ints.of(0));
        Graph g = conv(c, TensorType.of(DType.F32, 2, 3, 9), TensorType.of(DType.F32, 4, 3, 3));
        Graph batched = Batching.graph(g, new int[] {-1, 2}, 5, new int[] {1});
        assertEquals(1, count(batched, ConvGeneralDilated.class));
        Equation conv = batched.equations().stream().filter(e -> e.primitive() instanceof ConvGeneralDilated)
                .findFirst().orElseThrow();
        assertEquals(TensorType.of(DType.F32, 20, 3, 3), conv.inputs().get(1).type());
        assertEquals(c, conv.primitive(), "groups unchanged: the kernels are just more output features");
    }

    @Test
    void vmapOfConvWithFeatureGroupsAndBatchedKernelStaysOneConv() {
        ConvGeneralDilated c = new ConvGeneralDilated(Ints.of(1), Ints.of(0), Ints.of(0), Ints.of(1), Ints.of(1), 2, 1);
        Graph g = conv(c, TensorType.of(DType.F32, 2, 4, 5), TensorType.of(DType.F32, 6, 2, 3));
        for (int[] in : new int[][] {{-1, 1}, {0, 1}, {2, -1}}) {
            Graph batched = Batching.graph(g, in, 3, new int[] {0});
            assertEquals(1, count(batched, ConvGeneralDilated.class));
        }
    }

    /** The kernel gradient as JAX writes it: activations and output cotangents, batch as features. */
    @Test
    void perExampleKernelGradientIsOneGroupedConv() {
        GraphBuilder b = new GraphBuilder();
        Var x = b.addInput(TensorType.of(DType.F32, 1, 3, 8, 8));
        Var ct = b.addInput(TensorType.of(DType.F32, 1, 4, 6, 6));
        Var xt = b.addEquation(new Transpose(Ints.of(1, 0, 2, 3)), List.of(x), LINE);
        Var ctt = b.addEquation(new Transpose(Ints.of(1, 0, 2, 3)), List.of(ct), LINE);
        Var k = b.addEquation(ConvGeneralDilated.simple(Ints.of(1, 1), Ints.of(0, 0)), List.of(xt, ctt), LINE);
        Graph g = b.build(List.of(b.addEquation(new Transpose(Ints.of(1, 0, 2, 3)), List.of(k), LINE)));
        Graph batched = Batching.graph(g, new int[] {0, 0}, 32, new int[] {0});
        assertEquals(1, count(batched, ConvGeneralDilated.class));
        assertEquals(TensorType.of(DType.F32, 32, 4, 3, 3, 3), batched.outputTypes().get(0));
        assertEquals(Batching.graph(g, new int[] {0, 0}, 2, new int[] {0}).equations().size(), batched.equations().size());
    }

    @Test
    void vmapOfDotGeneralWithBothBatchedIsOneBatchedDotGeneral() {
        GraphBuilder b = new GraphBuilder();
        Var x = b.addInput(TensorType.of(DType.F32, 5, 2, 3));
        Var y = b.addInput(TensorType.of(DType.F32, 5, 3, 4));
        DotGeneral d = new DotGeneral(Ints.of(2), Ints.of(1), Ints.of(0), Ints.of(0));
        Graph g = b.build(List.of(b.addEquation(d, List.of(x, y), LINE)));
        Graph batched = Batching.graph(g, new int[] {3, 1}, 7, new int[] {0});
        assertEquals(1, batched.equations().size(), "no transposes, no loop: " + batched.equations());
        DotGeneral bd = (DotGeneral) batched.equations().get(0).primitive();
        assertEquals(new DotGeneral(Ints.of(2), Ints.of(2), Ints.of(3, 0), Ints.of(1, 0)), bd);
    }

    @Test
    void vmapOfMatmulWithOnlyDataBatchedKeepsTheBatchAsAFreeDimension() {
        GraphBuilder b = new GraphBuilder();
        Var x = b.addInput(TensorType.of(DType.F32, 104));
        Var w = b.addInput(TensorType.of(DType.F32, 104, 2));
        DotGeneral d = new DotGeneral(Ints.of(0), Ints.of(0), Ints.empty(), Ints.empty());
        Graph g = b.build(List.of(b.addEquation(d, List.of(x, w), LINE)));
        Graph batched = Batching.graph(g, new int[] {0, -1}, 128, new int[] {0});
        assertEquals(1, batched.equations().size());
        assertEquals(new DotGeneral(Ints.of(1), Ints.of(0), Ints.empty(), Ints.empty()), batched.equations().get(0).primitive());
        assertEquals(TensorType.of(DType.F32, 128, 2), batched.outputTypes().get(0));
    }

    @Test
    void gatherWithOnlyIndicesOrOnlyTableBatchedCopiesNothing() {
        GraphBuilder b = new GraphBuilder();
        Var table = b.addInput(TensorType.of(DType.F32, 10, 4));
        Var idx = b.addInput(TensorType.of(DType.I32, 6));
        Graph g = b.build(List.of(b.addEquation(new Gather(0), List.of(table, idx), LINE)));
        Graph byIndices = Batching.graph(g, new int[] {-1, 0}, 8, new int[] {0});
        assertEquals(1, byIndices.equations().size());
        assertEquals(new Gather(0), byIndices.equations().get(0).primitive());
        Graph byTable = Batching.graph(g, new int[] {2, -1}, 8, new int[] {2});
        assertEquals(1, byTable.equations().size(), "the batch rides along as a row dimension");
        Graph both = Batching.graph(g, new int[] {0, 0}, 8, new int[] {0});
        assertEquals(new Gather(1), both.equations().get(0).primitive());
    }

    @Test
    void unbatchedScalarOperandStaysAScalar() {
        GraphBuilder b = new GraphBuilder();
        Var x = b.addInput(TensorType.of(DType.F32, 3, 4));
        Var s = b.addInput(TensorType.scalar(DType.F32));
        Var y = b.addEquation(new Binary(BinaryOp.MUL), List.of(x, s), LINE);
        Graph g = b.build(List.of(b.addEquation(new Binary(BinaryOp.ADD), List.of(y, Literal.of(1, DType.F32)), LINE)));
        Graph batched = Batching.graph(g, new int[] {1, -1}, 5, new int[] {1});
        assertEquals(2, batched.equations().size());
        assertInstanceOf(Literal.class, batched.equations().get(1).inputs().get(1));
        assertEquals(TensorType.of(DType.F32, 3, 5, 4), batched.outputTypes().get(0));
    }

    @Test
    void batchedEquationsKeepTheUsersSourceLine() {
        GraphBuilder b = new GraphBuilder();
        Var x = b.addInput(TensorType.of(DType.F32, 3, 4));
        Var y = b.addEquation(new Unary(UnaryOp.EXP), List.of(x), LINE);
        Graph g = b.build(List.of(b.addEquation(new dev.kiln.ir.prim.Reshape(dev.kiln.ir.Shape.of(12)), List.of(y), LINE)));
        Graph batched = Batching.graph(g, new int[] {1, }, 2, new int[] {0});
        assertTrue(batched.equations().size() >= 3, "a transpose moves the batch to the front for reshape");
        for (Equation e : batched.equations()) {
            assertSame(LINE, e.source(), e.toString());
        }
    }

    @Test
    void unbatchedOutputMayBeUnmappedOrBroadcast() {
        GraphBuilder b = new GraphBuilder();
        Var x = b.addInput(TensorType.of(DType.F32, 3));
        Var w = b.addInput(TensorType.of(DType.F32, 3));
        Graph g = b.build(List.of(b.addEquation(new Unary(UnaryOp.EXP), List.of(w), LINE), x));
        Graph kept = Batching.graph(g, new int[] {0, -1}, 4, new int[] {-1, 0});
        assertEquals(TensorType.of(DType.F32, 3), kept.outputTypes().get(0));
        Graph spread = Batching.graph(g, new int[] {0, -1}, 4, new int[] {1, 1});
        assertEquals(List.of(TensorType.of(DType.F32, 3, 4), TensorType.of(DType.F32, 3, 4)), spread.outputTypes());
    }

    @Test
    void batchedOutputAskedUnmappedIsAnError() {
        GraphBuilder b = new GraphBuilder();
        Var x = b.addInput(TensorType.of(DType.F32, 3));
        Graph g = b.build(List.of(b.addEquation(new Unary(UnaryOp.EXP), List.of(x), LINE)));
        KilnException e = assertThrows(KilnException.class, () -> Batching.graph(g, new int[] {0}, 4, new int[] {-1}));
        assertEquals("vmap", e.operation());
        assertTrue(e.getMessage().contains("output 0 (f32[3] per example) depends on a mapped input"), e.getMessage());
    }

    @Test
    void emptyBatchOfConvWithBatchedKernelRunsAndIsEmpty() {
        ConvGeneralDilated c = new ConvGeneralDilated(Ints.of(1), Ints.of(0), Ints.of(0), Ints.of(1), Ints.of(1), 2, 1);
        Graph g = conv(c, TensorType.of(DType.F32, 2, 4, 5), TensorType.of(DType.F32, 6, 2, 3));
        for (int[] in : new int[][] {{-1, 1}, {0, 1}, {2, -1}}) {
            Graph batched = Batching.graph(g, in, 0, new int[] {1});
            List<ArrayData> inputs = batched.inputTypes().stream().map(ArrayData::zeros).toList();
            assertEquals(TensorType.of(DType.F32, 2, 0, 6, 3), Interpreter.run(batched, inputs).get(0).type());
        }
    }

    @Test
    void vmapInsideATraceRecordsTheEquationsOfTheBatchedGraph() {
        // Inside a trace, vmap records the batched equations directly; the result must be the
        // graph that inlining Batching.graph's batched program would give.
        FnN perExample = args -> {
            Tensor w = (Tensor) args.get(0), x = (Tensor) args.get(1);
            Tensor h = Tensor.dotGeneral(x, w, new int[] {0}, new int[] {0}, new int[0], new int[0]).add(1.0).tanh();
            return List.of(h.sum(), h.mul(w.sum()));
        };
        TensorType w = TensorType.of(DType.F32, 3, 4), example = TensorType.of(DType.F32, 3);
        TensorType batch = TensorType.of(DType.F32, 5, 3);
        Graph direct = Tracing.makeGraph(args -> Vmap.vmap(perExample, Vmap.in(null, 0), 0).apply(args), List.of(w, batch));
        Graph inlined = Tracing.makeGraph(args -> {
            Graph g = Tracing.makeGraph(perExample, List.of(w, example));
            Graph batched = Batching.graph(g, new int[] {-1, 0}, 5, new int[] {0, 0});
            return Tracing.apply(batched, List.of((Tensor) args.get(0), (Tensor) args.get(1)));
        }, List.of(w, batch));
        assertEquals(Optional.empty(), GraphEquivalence.difference(direct, inlined));
        assertEquals(List.of(TensorType.of(DType.F32, 5), TensorType.of(DType.F32, 5, 4)), direct.outputTypes());
    }
}
