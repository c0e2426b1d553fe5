package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.DType;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.Primitive;
import dev.kiln.ir.text.GraphPrinter;
import dev.kiln.tracer.Fn1;
import dev.kiln.tracer.Fn3;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.nn.Conv2d;
import dev.kiln.tracer.nn.Functional;
import dev.kiln.tracer.nn.Linear;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@link Kiln#makeGraph} shows for compositions: per-example gradients are batched kernels
 * (never a loop over examples), jit is inlined into an enclosing trace, grad adds the backward pass.
 */
class MakeGraphStructureTest {
    private static final Fn3<Linear, Tensor, Tensor, Tensor> LOSS = (p, x, y) ->
            Functional.crossEntropyMean(p.apply(x.expandDims(0)), y.expandDims(0));

    private static List<Equation> of(Graph g, Class<? extends Primitive> p) {
        return g.equations().stream().filter(e -> p.isInstance(e.primitive())).toList();
    }

    private static Graph perExampleLinear(int batch) {
        Fn3<Linear, Tensor, Tensor, Linear> perExample = Kiln.vmap(Kiln.grad(LOSS), Kiln.in(null, 0, 0));
        Linear p = new Linear(Tensor.zeros(2, 104), Tensor.zeros(2));
        return Kiln.makeGraph(Kiln.jit(perExample), p, Tensor.zeros(batch, 104), Tensor.zeros(DType.I32, batch));
    }

    @Test
    void perExampleGradientOfALinearLayerIsABatchedDotGeneral() {
        Graph g = perExampleLinear(16);
        List<Equation> dots = of(g, DotGeneral.class);
        assertTrue(dots.stream().anyMatch(e -> !((DotGeneral) e.primitive()).lhsBatch().isEmpty()),
                () -> "a dot_general with batch dimensions in:\n" + GraphPrinter.print(g));
        // The weight gradient comes out per example: [B, out, in].
        assertEquals(List.of(TensorType.of(DType.F32, 16, 2, 104), TensorType.of(DType.F32, 16, 2)), g.outputTypes());
    }

    @Test
    void perExampleGradientHasTheSameEquationsForAnyBatchSize() {
        Graph small = perExampleLinear(2);
        Graph large = perExampleLinear(128);
        assertEquals(small.equations().size(), large.equations().size(), "no loop over examples");
        for (int i = 0; i < small.equations().size(); i++) {
            assertEquals(small.equations().get(i).primitive().name(), large.equations().get(i).primitive().name(),
                    "equation " + i);
        }
    }

    @Test
    void perExampleGradientOfAConvLayerUsesOneConvolutionPerConvolutionOfTheStep() {
        Fn3<Conv2d, Tensor, Tensor, Tensor> loss = (c, x, y) ->
                Functional.crossEntropyMean(c.apply(x.expandDims(0)).mean(2, 3), y.expandDims(0));
        Fn3<Conv2d, Tensor, Tensor, Conv2d> perExample = Kiln.vmap(Kiln.grad(loss), Kiln.in(null, 0, 0));
        Conv2d c = new Conv2d(Tensor.zeros(4, 3, 3, 3), Tensor.zeros(4), 1, 1);
        Graph forward = Kiln.makeGraph(loss, c, Tensor.zeros(3, 8, 8), Tensor.zeros(DType.I32));
        for (int batch : new int[] {2, 9}) {
            Graph g = Kiln.makeGraph(perExample, c, Tensor.zeros(batch, 3, 8, 8), Tensor.zeros(DType.I32, batch));
            // Forward conv and the weight-gradient conv (the input gradient is not needed): each one
            // conv_general_dilated for the whole batch.
            assertEquals(2, of(g, ConvGeneralDilated.class).size(), () -> GraphPrinter.print(g));
            assertEquals(1, of(forward, ConvGeneralDilated.class).size());
            assertEquals(TensorType.of(DType.F32, batch, 4, 3, 3, 3), g.outputTypes().getFirst());
        }
    }

    @Test
    void jitIsInlinedIntoAnEnclosingTrace() {
        Fn1<Tensor, Tensor> inner = x -> x.exp().sum(1);
        Fn1<Tensor, Tensor> jitted = Kiln.jit(inner);
        Tensor x = Tensor.zeros(3, 4);
        Graph direct = Kiln.makeGraph((Tensor t) -> inner.apply(t).neg(), x);
        Graph viaJit = Kiln.makeGraph((Tensor t) -> jitted.apply(t).neg(), x);
        assertEquals(GraphPrinter.print(direct), GraphPrinter.print(viaJit));
    }

    @Test
    void gradAddsTheBackwardPassAndReturnsTheArgumentsShapes() {
        Fn3<Linear, Tensor, Tensor, Tensor> batchLoss = (p, x, y) -> Functional.crossEntropyMean(p.apply(x), y);
        Linear p = new Linear(Tensor.zeros(2, 5), Tensor.zeros(2));
        Tensor x = Tensor.zeros(7, 5);
        Tensor y = Tensor.zeros(DType.I32, 7);
        Graph forward = Kiln.makeGraph(batchLoss, p, x, y);
        Graph grad = Kiln.makeGraph(Kiln.grad(batchLoss), p, x, y);
        assertEquals(forward.inputTypes(), grad.inputTypes());
        assertEquals(List.of(TensorType.of(DType.F32, 2, 5), TensorType.of(DType.F32, 2)), grad.outputTypes());
        assertTrue(grad.equations().size() > forward.equations().size());
        // One matmul forward, one for the weight gradient (the input gradient is not needed).
        assertEquals(2, of(grad, DotGeneral.class).size(), () -> GraphPrinter.print(grad));
    }
}
