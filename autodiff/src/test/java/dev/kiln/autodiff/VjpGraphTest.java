package dev.kiln.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.prim.ScatterAdd;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.Tracing;
import dev.kiln.tracer.ops.IndexOps;
import dev.kiln.ir.verify.GraphEquivalence;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The shape of derived graphs: signatures, activity analysis, cheap zeros, no integer cotangents. */
class VjpGraphTest {

    private static final TensorType F64_3 = TensorType.of(DType.F64, 3);

    private static long count(Graph g, Class<? extends Primitive> kind) {
        return g.equations().stream().filter(e -> kind.isInstance(e.primitive())).count();
    }

    private static long countBinary(Graph g, BinaryOp op) {
        return g.equations().stream().filter(e -> e.primitive() instanceof Binary b && b.op() == op).count();
    }

    @Test
    void vjpGraphTakesInputsThenCotangentsAndReturnsOutputsThenInputCotangents() {
        Fn2<Tensor, Tensor, Tensor> f = (x, y) -> x.mul(y).exp();
        Graph g = Tracing.makeGraph(f.erase(), List.of(F64_3, TensorType.of(DType.F64, 2, 3)));
        Graph vjp = Vjp.graph(g, new boolean[] {false, true});
        assertEquals(List.of(F64_3, TensorType.of(DType.F64, 2, 3), TensorType.of(DType.F64, 2, 3)), vjp.inputTypes());
        assertEquals(List.of(TensorType.of(DType.F64, 2, 3), TensorType.of(DType.F64, 2, 3)), vjp.outputTypes());
    }

    @Test
    void inputsNotDifferentiatedGetNoCotangentEquations() {
        Fn2<Tensor, Tensor, Tensor> f = (x, y) -> x.mul(y).sum();
        Graph g = Tracing.makeGraph(f.erase(), List.of(F64_3, F64_3));
        // The forward mul is dead (the loss value is not returned); each differentiated input costs one mul.
        assertEquals(1, countBinary(GradGraphs.grad(g, new boolean[] {true, false}), BinaryOp.MUL));
        assertEquals(2, countBinary(GradGraphs.grad(g, new boolean[] {true, true}), BinaryOp.MUL));
        assertEquals(2, countBinary(GradGraphs.valueAndGrad(g, new boolean[] {true, false}), BinaryOp.MUL));
    }

    @Test
    void branchesNotOnAPathFromADifferentiatedInputAreNotDifferentiated() {
        // y.exp().log() does not depend on x: its VJP (a div by y's exp) must not appear.
        Fn2<Tensor, Tensor, Tensor> f = (x, y) -> x.mul(y.exp().log()).sum();
        Graph g = Tracing.makeGraph(f.erase(), List.of(F64_3, F64_3));
        Graph grad = GradGraphs.grad(g, new boolean[] {true, false});
        assertEquals(0, countBinary(grad, BinaryOp.DIV));
    }

    @Test
    void theGradientOfAnUnusedInputIsABroadcastScalar() {
        Fn2<Tensor, Tensor, Tensor> f = (x, y) -> x.sum();
        Graph g = Tracing.makeGraph(f.erase(), List.of(F64_3, TensorType.of(DType.F64, 50, 40)));
        Graph grad = GradGraphs.grad(g, new boolean[] {false, true});
        assertEquals(1, grad.equations().size());
        Equation only = grad.equations().get(0);
        assertInstanceOf(BroadcastInDim.class, only.primitive());
        assertTrue(grad.constants().stream().allMatch(c -> c.value().size() == 1));
        var out = Interpreter.run(grad, List.of(ArrayData.zeros(F64_3), ArrayData.zeros(TensorType.of(DType.F64, 50, 40))));
        assertEquals(0, java.util.Arrays.stream(out.get(0).toDoubleArray()).map(Math::abs).sum());
    }

    @Test
    void integerIndicesNeverGetCotangents() {
        Fn2<Tensor, Tensor, Tensor> f = (table, ids) -> IndexOps.embedding(table, ids).square().sum();
        Graph g = Tracing.makeGraph(f.erase(), List.of(TensorType.of(DType.F64, 5, 2), TensorType.of(DType.I32, 4)));
        Graph grad = GradGraphs.grad(g, new boolean[] {true, false});
        assertEquals(1, count(grad, ScatterAdd.class));
        assertTrue(grad.equations().stream().filter(e -> e.out().dtype() == DType.I32).findAny().isEmpty());
        assertThrows(KilnException.class, () -> GradGraphs.grad(g, new boolean[] {true, true}));
    }

    @Test
    void stopGradientBlocksTheCotangent() {
        Fn2<Tensor, Tensor, Tensor> f = (x, y) -> x.mul(x.stopGradient()).sum().add(y.sum());
        Graph g = Tracing.makeGraph(f.erase(), List.of(F64_3, F64_3));
        ArrayData x = ArrayData.of(new double[] {1, 2, 3}, 3);
        var out = Interpreter.run(GradGraphs.grad(g, new boolean[] {true, false}), List.of(x, x));
        // d/dx (x * const(x)) = const(x) = x, not 2x.
        assertEquals(List.of(1.0, 2.0, 3.0), java.util.Arrays.stream(out.get(0).toDoubleArray()).boxed().toList());
    }

    @Test
    void gradOfANonScalarGraphIsRejected() {
        Fn2<Tensor, Tensor, Tensor> f = (x, y) -> x.add(y);
        Graph g = Tracing.makeGraph(f.erase(), List.of(F64_3, F64_3));
        KilnException e = assertThrows(KilnException.class, () -> GradGraphs.grad(g, new boolean[] {true, true}));
        assertTrue(e.getMessage().contains("f64[3]"), e.getMessage());
    }

    @Test
    void convertBetweenFloatsConvertsTheCotangentBack() {
        float[] w = {0.1f, -2.5f, 3.3f};
        Fn2<Tensor, Tensor, Tensor> f = (x, unused) -> x.astype(DType.F32).mul(Tensor.of(w)).sum();
        Graph g = Tracing.makeGraph(f.erase(), List.of(F64_3, F64_3));
        var out = Interpreter.run(GradGraphs.grad(g, new boolean[] {true, false}),
                List.of(ArrayData.of(new double[] {1, 2, 3}, 3), ArrayData.zeros(F64_3)));
        assertEquals(DType.F64, out.get(0).dtype());
        for (int i = 0; i < 3; i++) {
            assertEquals((double) w[i], out.get(0).getDouble(i), 0);
        }
    }

    @Test
    void integerValuesConvertedToFloatsAreConstantsToAutodiff() {
        Fn2<Tensor, Tensor, Tensor> f = (x, unused) -> x.mul(x.astype(DType.I32).astype(DType.F64)).sum();
        Graph g = Tracing.makeGraph(f.erase(), List.of(F64_3, F64_3));
        var out = Interpreter.run(GradGraphs.grad(g, new boolean[] {true, false}),
                List.of(ArrayData.of(new double[] {1.5, 2.5, -3.5}, 3), ArrayData.zeros(F64_3)));
        assertEquals(List.of(1.0, 2.0, -3.0), java.util.Arrays.stream(out.get(0).toDoubleArray()).boxed().toList());
    }

    @Test
    void gradInsideATraceRecordsTheEquationsOfTheGradientGraph() {
        // Inside a trace, grad records the forward and backward equations directly; once the
        // equations no output needs are gone, that is the graph inlining GradGraphs.grad gives.
        Fn2<Tensor, Tensor, Tensor> loss = (w, x) -> x.mul(w).tanh().sum().add(w.exp().sum());
        List<Object> types = List.of(F64_3, TensorType.of(DType.F64, 2, 3));
        Graph g = Tracing.makeGraph(loss.erase(), types);
        Graph direct = DeadCode.prune(Tracing.makeGraph(Autodiff.grad(loss.erase(), new int[] {0}, false), types));
        Graph inlined = Tracing.makeGraph(args -> Tracing.apply(GradGraphs.grad(g, new boolean[] {true, false}),
                List.of((Tensor) args.get(0), (Tensor) args.get(1))), types);
        assertEquals(Optional.empty(), GraphEquivalence.difference(direct, inlined));
        assertEquals(List.of(F64_3), direct.outputTypes());
    }

    @Test
    void disjointSlicesOfOneValueGetOneConcatenatedCotangent() {
        // Four gates of an LSTM are four slices of one projection: their cotangents join as one
        // concatenation (zeros in the gap), not four zero-padded arrays added together.
        Fn2<Tensor, Tensor, Tensor> f = (x, y) -> x.slice(1, 0, 2).mul(2.0).sum()
                .add(x.slice(1, 4, 6).mul(y).sum()).add(x.slice(1, 2, 3).exp().sum());
        Graph g = Tracing.makeGraph(f.erase(), List.of(TensorType.of(DType.F64, 2, 6), TensorType.of(DType.F64, 2, 2)));
        Graph grad = GradGraphs.grad(g, new boolean[] {true, false});
        assertEquals(1, count(grad, dev.kiln.ir.prim.Concatenate.class));
        assertEquals(0, count(grad, dev.kiln.ir.prim.Pad.class));
        double[] x = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, y = {1, 2, 3, 4};
        double[] got = Interpreter.run(grad, List.of(ArrayData.of(x, 2, 6), ArrayData.of(y, 2, 2))).get(0).toDoubleArray();
        double[] want = {2, 2, Math.exp(2), 0, 1, 2, 2, 2, Math.exp(8), 0, 3, 4};
        org.junit.jupiter.api.Assertions.assertArrayEquals(want, got, 1e-12);
    }

    @Test
    void overlappingSlicesOfOneValueAddTheirPaddedCotangents() {
        Fn2<Tensor, Tensor, Tensor> f = (x, y) -> x.slice(0, 0, 3).sum().add(x.slice(0, 2, 5).mul(y).sum());
        Graph g = Tracing.makeGraph(f.erase(), List.of(TensorType.of(DType.F64, 5), TensorType.of(DType.F64, 3)));
        Graph grad = GradGraphs.grad(g, new boolean[] {true, false});
        assertEquals(0, count(grad, dev.kiln.ir.prim.Concatenate.class));
        double[] got = Interpreter.run(grad, List.of(ArrayData.of(new double[5], 5), ArrayData.of(new double[] {4, 5, 6}, 3)))
                .get(0).toDoubleArray();
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {1, 1, 5, 5, 6}, got, 0);
    }
}
