package dev.kiln.ir.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayCompare;
import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Var;
import dev.kiln.ir.gen.RandomPrograms;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.prim.ReduceSum;
import dev.kiln.ir.prim.Transpose;
import dev.kiln.ir.testing.G;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReductionsInMemoryOrderTest {
    private static final Ints PER_EXAMPLE = Ints.of(1, 2, 0, 3);

    /** The per-example view [B=8, O=5, I=3, K=6] of a convolution's [I, B, O, K] weight gradient. */
    private static Var perExampleView(G g) {
        return g.eq(new Transpose(PER_EXAMPLE), g.f32(3, 8, 5, 6));
    }

    private static Equation reduction(Graph g) {
        List<Equation> sums = g.equations().stream().filter(e -> e.primitive() instanceof ReduceSum).toList();
        assertEquals(1, sums.size(), g.toString());
        return sums.getFirst();
    }

    @Test
    void weightedSumOverExamplesReducesTheConvolutionLayoutAndTransposesTheResult() {
        G g = new G();
        Var view = perExampleView(g);
        Var w = g.bcast(g.f32(8, 1, 1, 1), new int[] {8, 5, 3, 6}, 0, 1, 2, 3);
        Graph before = g.build(g.sum(g.mul(view, w), 0));
        Graph after = new ReductionsInMemoryOrder().run(new DeadCodeElimination().run(before));
        Equation sum = reduction(after);
        assertEquals(Ints.of(1), ((ReduceSum) sum.primitive()).axes(), after.toString());
        assertEquals(Ints.of(3, 5, 6), sum.out().shape().dims(), after.toString());
        assertSameResults(before, after);
    }

    @Test
    void perExampleSquaredNormNeedsNoTransposeOfItsResult() {
        G g = new G();
        Var view = perExampleView(g);
        Graph before = g.build(g.sum(g.mul(view, view), 1, 2, 3));
        Graph after = Optimizer.optimize(before);
        assertEquals(Ints.of(0, 2, 3), ((ReduceSum) reduction(after).primitive()).axes(), after.toString());
        assertTrue(after.equations().stream().noneMatch(e -> e.primitive() instanceof Transpose), after.toString());
        assertSameResults(before, after);
    }

    @Test
    void productReadElsewhereIsLeftAlone() {
        G g = new G();
        Var view = perExampleView(g);
        Var sq = g.mul(view, view);
        Graph before = g.build(g.sum(sq, 1, 2, 3), sq);
        Graph after = new ReductionsInMemoryOrder().run(before);
        assertEquals(before, after);
    }

    private static void assertSameResults(Graph original, Graph optimised) {
        List<ArrayData> in = RandomPrograms.randomInputs(original, new Random(3));
        ArrayCompare.assertClose(Interpreter.run(original, in), Interpreter.run(optimised, in), 1e-5, 1e-5, "optimised graph");
    }
}
