package dev.kiln.ir.opt;

import static dev.kiln.ir.opt.ClippingGraphs.assertSameResults;
import static dev.kiln.ir.opt.ClippingGraphs.count;
import static dev.kiln.ir.opt.ClippingGraphs.inputs;
import static dev.kiln.ir.opt.ClippingGraphs.largestValue;
import static dev.kiln.ir.opt.ClippingGraphs.scatter;
import static dev.kiln.ir.opt.ClippingGraphs.squaredNorm;
import static dev.kiln.ir.opt.ClippingGraphs.weightedSumByDot;
import static dev.kiln.ir.opt.ClippingGraphs.weightedSumByMul;
import static dev.kiln.ir.opt.ClippingGraphs.zeros;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Compare;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.ScatterAdd;
import dev.kiln.ir.testing.G;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScatterClippingTest {
    static final int B = 3;

    /**
     * The vmapped embedding gradient as the embedding model traces it: the mean over the tokens
     * makes every token's update the same row {@code u[b]}, broadcast over the index axes.
     */
    private record Embedding(G g, Var idx, Var u, Var grad) {
        static Embedding of(DType dt, int v, int tokens, int r) {
            G g = new G();
            Var idx = g.in(DType.I32, B, 1, tokens);
            Var u = g.in(dt, B, 1, r);
            Var upd = g.bcast(u, new int[] {B, 1, tokens, r}, 0, 1, 3);
            return new Embedding(g, idx, u, scatter(g, 1, zeros(g, dt, B, v, r), idx, upd));
        }
    }

    @Test
    void clippedSumOfAnEmbeddingGradientIsOneScatterWithoutTheDenseGradient() {
        Embedding e = Embedding.of(DType.F32, 200, 6, 4);
        Var w = e.g().in(DType.F32, B);
        Graph g = e.g().build(squaredNorm(e.g(), e.grad()), weightedSumByDot(e.g(), w, e.grad()));
        Graph opt = Optimizer.optimize(g);
        assertTrue(largestValue(opt) < B * 200 * 4, "the dense [B,V,R] gradient is gone:\n" + opt);
        assertEquals(1, opt.equations().stream().filter(q -> q.primitive() instanceof ScatterAdd s
                && s.batchDims() == 0).count(), "one scatter of all examples' rows");
        for (int seed = 0; seed < 3; seed++) {
            // few distinct tokens: repeated indices within an example must be summed before squaring
            assertSameResults(g, opt, inputs(g, new Random(seed), 5));
        }
    }

    @Test
    void manyTokensOverAModestVocabularyCountOccurrencesInsteadOfPairs() {
        Embedding e = Embedding.of(DType.F32, 60, 40, 8);
        Graph g = e.g().build(squaredNorm(e.g(), e.grad()));
        Graph opt = Optimizer.optimize(g);
        assertEquals(0, count(opt, Compare.class), "no [B,I,I] pair mask when I*I > 2V");
        assertEquals(1, count(opt, ScatterAdd.class), "counts: a scatter of ones into [B, V]");
        assertTrue(largestValue(opt) <= B * 60, "nothing larger than [B,V] left:\n" + opt);
        assertSameResults(g, opt, inputs(g, new Random(1), 60));
        assertSameResults(g, opt, inputs(g, new Random(2), 3));
    }

    @Test
    void fewTokensOverALargeVocabularyCountEqualIndexPairs() {
        Embedding e = Embedding.of(DType.F64, 500, 5, 3);
        Graph g = e.g().build(squaredNorm(e.g(), e.grad()));
        Graph opt = Optimizer.optimize(g);
        assertEquals(0, count(opt, ScatterAdd.class));
        assertEquals(1, count(opt, Compare.class));
        assertSameResults(g, opt, inputs(g, new Random(3), 4));
    }

    @Test
    void updatesThatDifferPerTokenUseTheGramMatrixOfTheRows() {
        G g = new G();
        int v = 300, tokens = 4, r = 5;
        Var idx = g.in(DType.I32, B, tokens);
        Var upd = g.f32(B, tokens, r);
        Var w = g.f32(B);
        Var grad = scatter(g, 1, zeros(g, DType.F32, B, v, r), idx, upd);
        Graph graph = g.build(squaredNorm(g, grad), weightedSumByMul(g, w, grad));
        Graph opt = Optimizer.optimize(graph);
        assertTrue(largestValue(opt) < B * v * r, "the dense gradient is gone:\n" + opt);
        assertTrue(opt.equations().stream().anyMatch(q -> q.primitive() instanceof DotGeneral d
                && d.lhsBatch().size() == 1), "the Gram matrix is a batched contraction");
        assertSameResults(graph, opt, inputs(graph, new Random(4), 3));
        assertSameResults(graph, opt, inputs(graph, new Random(5), v));
    }

    @Test
    void multiDimensionalRowsAndIndexAxesKeepTheirLayout() {
        G g = new G();
        int v = 100;
        Var idx = g.in(DType.I32, B, 2, 3);
        Var upd = g.f32(B, 2, 3, 2, 2);
        Var w = g.f32(B);
        Var grad = scatter(g, 1, zeros(g, DType.F32, B, v, 2, 2), idx, upd);
        Graph graph = g.build(squaredNorm(g, grad), weightedSumByDot(g, w, grad), weightedSumByMul(g, w, grad));
        Graph opt = Optimizer.optimize(graph);
        assertTrue(largestValue(opt) < B * v * 4, opt.toString());
        assertSameResults(graph, opt, inputs(graph, new Random(6), 4));
    }

    @Test
    void aFactorThatVariesAlongTheScatteredAxisIsNotAPerExampleWeight() {
        Embedding e = Embedding.of(DType.F32, 200, 6, 4);
        Var perRow = e.g().in(DType.F32, B, 200);
        Var x = e.g().bcast(perRow, new int[] {B, 200, 4}, 0, 1);
        Graph g = e.g().build(e.g().sum(e.g().mul(e.grad(), x), 0));
        assertSame(g, new ScatterClipping().run(g));
    }

    @Test
    void partialNormsAndScattersIntoNonZeroOperandsAreLeftAlone() {
        G g = new G();
        Var idx = g.in(DType.I32, B, 6);
        Var upd = g.f32(B, 6, 4);
        Var base = g.f32(B, 200, 4);
        Var w = g.f32(B);
        Var intoBase = scatter(g, 1, base, idx, upd);
        Var intoZeros = scatter(g, 1, zeros(g, DType.F32, B, 200, 4), idx, upd);
        Var partial = g.sum(g.mul(intoZeros, intoZeros), 1);
        Graph graph = g.build(squaredNorm(g, intoBase), weightedSumByDot(g, w, intoBase), partial);
        assertSame(graph, new ScatterClipping().run(graph));
    }

    @Test
    void aRewriteThatDoesNotPayIsNotMade() {
        // 64 tokens into a vocabulary of 2: the dense gradient is smaller than any other form
        Embedding e = Embedding.of(DType.F32, 2, 64, 1);
        Var w = e.g().in(DType.F32, B);
        Graph g = e.g().build(squaredNorm(e.g(), e.grad()), weightedSumByDot(e.g(), w, e.grad()));
        assertSame(g, new ScatterClipping().run(g));
    }

    @Test
    void aGradientReadElsewhereStaysAndOnlyTheReadsThatPayAloneAreRewritten() {
        Embedding e = Embedding.of(DType.F32, 200, 6, 4);
        Var w = e.g().in(DType.F32, B);
        Graph g = e.g().build(squaredNorm(e.g(), e.grad()), weightedSumByDot(e.g(), w, e.grad()), e.grad());
        Graph opt = Optimizer.optimize(g);
        assertEquals(B * 200 * 4, largestValue(opt), "the gradient is an output, so it is still computed");
        assertTrue(opt.equations().stream().noneMatch(q -> q.primitive() instanceof DotGeneral d
                && d.lhsBatch().isEmpty() && q.input(1).type().numel() == B * 200 * 4),
                "the weighted sum no longer reads the dense gradient");
        assertSameResults(g, opt, inputs(g, new Random(7), 5));
    }

    @Test
    void optimisingTwiceChangesNothingMore() {
        Embedding e = Embedding.of(DType.F32, 60, 40, 8);
        Var w = e.g().in(DType.F32, B);
        Graph g = e.g().build(squaredNorm(e.g(), e.grad()), weightedSumByDot(e.g(), w, e.grad()));
        Graph once = Optimizer.optimize(g);
        assertEquals(once, Optimizer.optimize(once));
    }

    @Test
    void outOfRangeIndicesStillFailWhereAScatterRemains() {
        Embedding e = Embedding.of(DType.F32, 200, 6, 4);
        Var w = e.g().in(DType.F32, B);
        Graph g = e.g().build(squaredNorm(e.g(), e.grad()), weightedSumByDot(e.g(), w, e.grad()));
        Graph opt = Optimizer.optimize(g);
        List<ArrayData> in = inputs(g, new Random(8), 5);
        in.get(0).setDouble(4, 200);
        org.junit.jupiter.api.Assertions.assertThrows(dev.kiln.ir.KilnException.class,
                () -> dev.kiln.ir.interp.Interpreter.run(opt, in));
    }
}
