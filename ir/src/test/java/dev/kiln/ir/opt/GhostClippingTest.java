package dev.kiln.ir.opt;

import static dev.kiln.ir.opt.ClippingGraphs.assertSameResults;
import static dev.kiln.ir.opt.ClippingGraphs.dot;
import static dev.kiln.ir.opt.ClippingGraphs.inputs;
import static dev.kiln.ir.opt.ClippingGraphs.largestValue;
import static dev.kiln.ir.opt.ClippingGraphs.squaredNorm;
import static dev.kiln.ir.opt.ClippingGraphs.weightedSumByDot;
import static dev.kiln.ir.opt.ClippingGraphs.weightedSumByMul;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.DType;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.testing.G;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GhostClippingTest {
    static final int B = 4;

    /** A dense layer's per-example weight gradient as vmap traces it: {@code [B,1,i] x [B,1,j] -> [B,i,j]}. */
    private static Var denseGradient(G g, Var delta, Var act) {
        return dot(g, delta, act, new int[] {1}, new int[] {1}, new int[] {0}, new int[] {0});
    }

    @Test
    void aDenseLayersGradientIsNeverMaterialised() {
        G g = new G();
        Var delta = g.f32(B, 1, 12), act = g.f32(B, 1, 20), w = g.f32(B);
        Var grad = denseGradient(g, delta, act);
        Graph graph = g.build(squaredNorm(g, grad), weightedSumByDot(g, w, grad));
        Graph opt = Optimizer.optimize(graph);
        assertTrue(largestValue(opt) < B * 12 * 20, "no [B,i,j] value left:\n" + opt);
        Equation sum = opt.equations().stream().filter(e -> e.out().type().numel() == 12 * 20).findFirst().orElseThrow();
        DotGeneral d = (DotGeneral) sum.primitive();
        assertTrue(d.lhsBatch().isEmpty() && d.lhsContract().size() == 2, "the clipped sum contracts (b, k): " + d);
        assertSameResults(graph, opt, inputs(graph, new Random(1), 1));
    }

    @Test
    void theHandWrittenClippedSumFormIsRecognisedToo() {
        G g = new G();
        Var delta = g.f32(B, 1, 12), act = g.f32(B, 1, 20), w = g.f32(B);
        Var grad = denseGradient(g, delta, act);
        Graph graph = g.build(squaredNorm(g, grad), weightedSumByMul(g, w, grad));
        Graph opt = Optimizer.optimize(graph);
        assertTrue(largestValue(opt) < B * 12 * 20, opt.toString());
        assertSameResults(graph, opt, inputs(graph, new Random(2), 1));
    }

    @Test
    void severalContractingAxesInAnyOrderPairUpAsTheDimensionNumbersSay() {
        // A [k1=2, B, i=30, k2=3] and C [k2=3, j=40, B, k1=2]: pairs (A0, C3) and (A3, C0)
        G g = new G();
        Var a = g.f32(2, B, 30, 3), c = g.f32(3, 40, B, 2), w = g.f32(B);
        Var grad = dot(g, a, c, new int[] {0, 3}, new int[] {3, 0}, new int[] {1}, new int[] {2});
        Graph graph = g.build(squaredNorm(g, grad), weightedSumByDot(g, w, grad));
        Graph opt = Optimizer.optimize(graph);
        assertTrue(largestValue(opt) < B * 30 * 40, "k = 6 is small next to i*j / (i+j) = 17:\n" + opt);
        assertSameResults(graph, opt, inputs(graph, new Random(3), 1));
    }

    @Test
    void contractingAxesOfEqualSizesStillPairAsTheDimensionNumbersSay() {
        // equal sizes, so that only the values tell a misaligned pairing
        G h = new G();
        Var a2 = h.f32(2, B, 30, 2), c2 = h.f32(2, 40, B, 2), w2 = h.f32(B);
        Var grad2 = dot(h, a2, c2, new int[] {0, 3}, new int[] {3, 0}, new int[] {1}, new int[] {2});
        Graph graph2 = h.build(squaredNorm(h, grad2));
        Graph opt2 = Optimizer.optimize(graph2);
        assertTrue(largestValue(opt2) < B * 30 * 40, opt2.toString());
        assertSameResults(graph2, opt2, inputs(graph2, new Random(4), 1));
    }

    @Test
    void longContractionsKeepTheMaterialisedGradient() {
        // k = 64 steps summed into a 3x3 gradient: k(i+j) >> i*j
        G g = new G();
        Var a = g.f32(B, 64, 3), c = g.f32(B, 64, 3), w = g.f32(B);
        Var grad = dot(g, a, c, new int[] {1}, new int[] {1}, new int[] {0}, new int[] {0});
        Graph graph = g.build(squaredNorm(g, grad), weightedSumByDot(g, w, grad));
        assertSame(graph, new GhostClipping().run(graph));
    }

    @Test
    void aFactorVaryingAlongAnotherAxisIsNotAPerExampleWeight() {
        G g = new G();
        Var delta = g.f32(B, 1, 12), act = g.f32(B, 1, 20), perRow = g.f32(B, 12);
        Var grad = denseGradient(g, delta, act);
        Var x = g.bcast(perRow, new int[] {B, 12, 20}, 0, 1);
        Graph graph = g.build(g.sum(g.mul(grad, x), 0));
        assertSame(graph, new GhostClipping().run(graph));
    }

    @Test
    void aSumOverTheWrongAxesIsNotANorm() {
        G g = new G();
        Var delta = g.f32(B, 1, 12), act = g.f32(B, 1, 20);
        Var grad = denseGradient(g, delta, act);
        Graph graph = g.build(g.sum(g.mul(grad, grad), 2), g.sum(g.mul(grad, grad), 0, 1, 2));
        assertSame(graph, new GhostClipping().run(graph));
    }

    @Test
    void aGradientReadElsewhereKeepsItsSumButGetsAGhostNorm() {
        G g = new G();
        Var delta = g.f32(B, 1, 12), act = g.f32(B, 1, 20), w = g.f32(B);
        Var grad = denseGradient(g, delta, act);
        Var wsum = weightedSumByDot(g, w, grad);
        Graph graph = g.build(squaredNorm(g, grad), wsum, g.un(dev.kiln.ir.prim.UnaryOp.EXP, grad));
        Graph opt = Optimizer.optimize(graph);
        assertEquals(1, opt.equations().stream().filter(e -> e.out().type().numel() == B * 12 * 20
                && e.primitive() instanceof DotGeneral).count(), "the gradient is still computed once");
        assertTrue(opt.equations().stream().noneMatch(e -> e.primitive() instanceof dev.kiln.ir.prim.Binary
                && e.input(0) == e.input(1) && e.out().type().numel() == B * 12 * 20), "its norm no longer squares it");
        assertSameResults(graph, opt, inputs(graph, new Random(4), 1));
    }

    @Test
    void f64GradientsAreRewrittenAlike() {
        G g = new G();
        Var delta = g.in(DType.F64, B, 2, 7), act = g.in(DType.F64, B, 2, 8), w = g.in(DType.F64, B);
        Var grad = dot(g, delta, act, new int[] {1}, new int[] {1}, new int[] {0}, new int[] {0});
        Graph graph = g.build(squaredNorm(g, grad), weightedSumByDot(g, w, grad));
        Graph opt = Optimizer.optimize(graph);
        assertTrue(largestValue(opt) < B * 7 * 8, opt.toString());
        assertSameResults(graph, opt, inputs(graph, new Random(5), 1));
    }
}
