package dev.kiln.ir.opt;

import static dev.kiln.ir.opt.ClippingGraphs.assertSameResults;
import static dev.kiln.ir.opt.ClippingGraphs.count;
import static dev.kiln.ir.opt.ClippingGraphs.dot;
import static dev.kiln.ir.opt.ClippingGraphs.inputs;
import static dev.kiln.ir.opt.ClippingGraphs.largestValue;
import static dev.kiln.ir.opt.ClippingGraphs.squaredNorm;
import static dev.kiln.ir.opt.ClippingGraphs.weightedSumByDot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.Graph;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Concatenate;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.testing.G;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ContractionSumsTest {
    static final int B = 3, I = 24, J = 10, T = 5;

    /** {@code sum_t delta_t^T h_t} per example, with the first step's h an unbatched initial state. */
    private record Recurrence(G g, Var grad) {
        static Recurrence of(boolean initialState) {
            G g = new G();
            Var sum = null;
            for (int t = 0; t < T; t++) {
                Var delta = g.f32(B, 1, I);
                Var term = t == 0 && initialState
                        ? dot(g, delta, g.f32(1, J), new int[] {1}, new int[] {0}, new int[0], new int[0])
                        : dot(g, delta, g.f32(B, 1, J), new int[] {1}, new int[] {1}, new int[] {0}, new int[] {0});
                sum = sum == null ? term : g.add(sum, term);
            }
            return new Recurrence(g, sum);
        }
    }

    @Test
    void theStepsOfAnUnrolledRecurrenceBecomeOneContractionThatIsThenClipped() {
        Recurrence r = Recurrence.of(true);
        Var w = r.g().f32(B);
        Graph g = r.g().build(squaredNorm(r.g(), r.grad()), weightedSumByDot(r.g(), w, r.grad()));
        Graph opt = Optimizer.optimize(g);
        assertEquals(2, count(opt, Concatenate.class), "the steps' operands are concatenated:\n" + opt);
        assertTrue(largestValue(opt) < B * I * J, "then ghost clipping leaves no [B,i,j] value:\n" + opt);
        assertSameResults(g, opt, inputs(g, new Random(1), 1));
    }

    @Test
    void aSumOfBatchedProductsIsOneBatchedProduct() {
        Recurrence r = Recurrence.of(false);
        Graph g = r.g().build(r.grad());
        Graph opt = new ContractionSums().run(g);
        assertEquals(1, count(new DeadCodeElimination().run(opt), DotGeneral.class), opt.toString());
        assertSameResults(g, opt, inputs(g, new Random(2), 1));
    }

    @Test
    void aPartialSumReadElsewhereIsJoinedOnItsOwnAndTheRestAddsToIt() {
        G g = new G();
        Var d0 = dot(g, g.f32(B, 1, I), g.f32(B, 1, J), new int[] {1}, new int[] {1}, new int[] {0}, new int[] {0});
        Var d1 = dot(g, g.f32(B, 1, I), g.f32(B, 1, J), new int[] {1}, new int[] {1}, new int[] {0}, new int[] {0});
        Var d2 = dot(g, g.f32(B, 1, I), g.f32(B, 1, J), new int[] {1}, new int[] {1}, new int[] {0}, new int[] {0});
        Var partial = g.add(d0, d1);
        Graph graph = g.build(g.add(partial, d2), partial);
        Graph opt = new DeadCodeElimination().run(new ContractionSums().run(graph));
        assertEquals(2, count(opt, DotGeneral.class), "d0 + d1 joined, d2 added to it:\n" + opt);
        assertEquals(1, count(opt, dev.kiln.ir.prim.Binary.class));
        assertSameResults(graph, opt, inputs(graph, new Random(3), 1));
    }

    @Test
    void productsOfDifferentShapesOrAxesAreNotJoined() {
        G g = new G();
        Var d0 = dot(g, g.f32(B, 1, I), g.f32(B, 1, J), new int[] {1}, new int[] {1}, new int[] {0}, new int[] {0});
        Var d1 = dot(g, g.f32(B, 2, I), g.f32(B, 2, J), new int[] {1}, new int[] {1}, new int[] {0}, new int[] {0});
        Var d2 = dot(g, g.f32(1, B, I), g.f32(B, 1, J), new int[] {0}, new int[] {1}, new int[] {1}, new int[] {0});
        Graph graph = g.build(g.add(d0, d1), g.add(d0, d2), g.add(d0, g.f32(B, I, J)));
        assertSame(graph, new ContractionSums().run(graph));
    }

    @Test
    void longContractionsIntoSmallResultsAreNotJoined() {
        G g = new G();
        Var d0 = dot(g, g.f32(B, 50, 2), g.f32(B, 50, 2), new int[] {1}, new int[] {1}, new int[] {0}, new int[] {0});
        Var d1 = dot(g, g.f32(B, 50, 2), g.f32(B, 50, 2), new int[] {1}, new int[] {1}, new int[] {0}, new int[] {0});
        Graph graph = g.build(g.add(d0, d1));
        assertSame(graph, new ContractionSums().run(graph));
    }
}
