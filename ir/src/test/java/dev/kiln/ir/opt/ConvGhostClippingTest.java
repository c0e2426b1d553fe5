package dev.kiln.ir.opt;

import static dev.kiln.ir.opt.ClippingGraphs.inputs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayCompare;
import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.Var;
import dev.kiln.ir.interp.Interpreter;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.Reshape;
import dev.kiln.ir.prim.UnaryOp;
import dev.kiln.ir.testing.G;
import dev.kiln.ir.verify.Verifier;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConvGhostClippingTest {

    /** The sizes of one per-example weight-gradient convolution (2-d). */
    private record Layer(int b, int cin, int cout, int[] in, int[] k, int[] taps, int[] stride, int[] rhsDil,
                         int[] padLow, int[] padHigh) {
        ConvGeneralDilated conv(int groups) {
            return new ConvGeneralDilated(Ints.of(stride), Ints.of(padLow), Ints.of(padHigh), Ints.of(1, 1),
                    Ints.of(rhsDil), groups, 1);
        }
    }

    /**
     * A random layer: the gradient convolution's window stride (the forward rhs dilation), rhs
     * dilation (the forward stride), padding and sizes, with the input size fitted so that the
     * output has {@code taps} positions.
     */
    private static Layer randomLayer(Random rnd) {
        while (true) {
            int[] k = new int[2], taps = new int[2], stride = new int[2], dil = new int[2], lo = new int[2],
                    hi = new int[2], in = new int[2];
            boolean ok = true;
            for (int a = 0; a < 2; a++) {
                k[a] = 1 + rnd.nextInt(4);
                taps[a] = 1 + rnd.nextInt(3);
                stride[a] = 1 + rnd.nextInt(2);
                dil[a] = 1 + rnd.nextInt(2);
                lo[a] = rnd.nextInt(4) - 1;
                hi[a] = rnd.nextInt(4) - 1;
                in[a] = (taps[a] - 1) * stride[a] + (k[a] - 1) * dil[a] + 1 - lo[a] - hi[a];
                ok &= in[a] >= 1;
            }
            if (ok) {
                return new Layer(2 + rnd.nextInt(3), 1 + rnd.nextInt(3), 1 + rnd.nextInt(3), in, k, taps, stride, dil,
                        lo, hi);
            }
        }
    }

    /** {@code G [Cin, B, Cout, taps..]}: the vmapped weight gradient's convolution, reshaped. */
    private static Var perExampleGradient(G g, Layer l, DType dt) {
        Var x = g.in(dt, l.cin, l.b, l.in[0], l.in[1]);
        Var d = g.in(dt, l.b * l.cout, 1, l.k[0], l.k[1]);
        Var conv = g.eq(l.conv(l.b), x, d);
        return g.eq(new Reshape(Shape.of(l.cin, l.b, l.cout, l.taps[0], l.taps[1])), conv);
    }

    /** {@code sum over axes 0,2,3,4 of G*G}: the norm as the optimised DP step reads it. */
    private static Var norm(G g, Var grad) {
        return g.sum(g.mul(grad, grad), 0, 2, 3, 4);
    }

    /** {@code reduce_sum[1](G * broadcast(w as [1,B,1,1,1]))}: the clipped sum as the optimised DP step reads it. */
    private static Var clippedSum(G g, Var grad, Var w) {
        Var r = g.eq(new Reshape(Shape.of(1, grad.type().dim(1), 1, 1, 1)), w);
        return g.sum(g.mul(grad, g.bcast(r, grad.shape().toArray(), 0, 1, 2, 3, 4)), 1);
    }

    private static long groupedConvs(Graph g) {
        return g.equations().stream()
                .filter(e -> e.primitive() instanceof ConvGeneralDilated c && c.featureGroupCount() > 1).count();
    }

    private static void assertSameF64(Graph original, Graph rewritten, List<ArrayData> in) {
        Verifier.verify(rewritten, "rewritten");
        List<ArrayData> expected = Interpreter.run(original, in);
        List<ArrayData> actual = Interpreter.run(rewritten, in);
        for (int i = 0; i < expected.size(); i++) {
            ArrayCompare.assertCloseToScale(expected.get(i), actual.get(i), 1e-12, "output " + i);
        }
    }

    @Test
    void normsAndClippedSumsOfRandomLayersEqualTheMaterialisedGradients() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 40; trial++) {
            Layer l = randomLayer(rnd);
            G g = new G();
            Var grad = perExampleGradient(g, l, DType.F64);
            Var w = g.in(DType.F64, l.b);
            Graph graph = g.build(norm(g, grad), clippedSum(g, grad, w));
            Graph opt = new DeadCodeElimination().run(new ConvGhostClipping(ConvGhostClipping.Mode.ALWAYS).run(graph));
            assertEquals(0, groupedConvs(opt), "trial " + trial + ": the per-example gradient is gone:\n" + opt);
            assertSameF64(graph, opt, inputs(graph, rnd, 1));
        }
    }

    @Test
    void cifarsSmallMapsAreRewrittenAndItsLargeOnesAreNot() {
        // 4x4 maps, 128 -> 256 channels, 3x3 pad 1: the gradient [128, 128, 256, 3, 3] is 151 MB
        assertEquals(0, groupedConvs(Optimizer.optimize(cifarLayer(128, 256, 4))));
        // 8x8 maps, 128 -> 128: the 64^2 Gram matrices cost about what the two dense passes save
        assertEquals(1, groupedConvs(Optimizer.optimize(cifarLayer(128, 128, 8))));
        // 16x16 and 32x32 maps: the [B, K, K] Gram matrices would be 256^2 and 1024^2 per example
        assertEquals(1, groupedConvs(Optimizer.optimize(cifarLayer(64, 64, 16))));
        assertEquals(1, groupedConvs(Optimizer.optimize(cifarLayer(32, 32, 32))));
    }

    private static Graph cifarLayer(int cin, int cout, int size) {
        int[] one = {1, 1};
        Layer l = new Layer(128, cin, cout, new int[] {size, size}, new int[] {size, size}, new int[] {3, 3}, one,
                one, one, one);
        G g = new G();
        Var grad = perExampleGradient(g, l, DType.F32);
        Var w = g.f32(l.b);
        return g.build(norm(g, grad), clippedSum(g, grad, w));
    }

    @Test
    void aGradientReadOtherwiseKeepsItsConvolutionButItsNormIsStillCorrect() {
        Random rnd = new Random(12);
        Layer l = randomLayer(rnd);
        G g = new G();
        Var grad = perExampleGradient(g, l, DType.F64);
        Var w = g.in(DType.F64, l.b);
        Graph graph = g.build(norm(g, grad), clippedSum(g, grad, w), g.un(UnaryOp.EXP, grad));
        Graph opt = new DeadCodeElimination().run(new ConvGhostClipping(ConvGhostClipping.Mode.ALWAYS).run(graph));
        assertEquals(1, groupedConvs(opt), "the exp still reads the gradient");
        assertSameF64(graph, opt, inputs(graph, rnd, 1));
    }

    @Test
    void anOrdinaryOrGroupedLayersConvolutionIsLeftAlone() {
        int[] one = {1, 1}, zero = {0, 0};
        Layer l = new Layer(3, 2, 2, new int[] {4, 4}, new int[] {2, 2}, new int[] {3, 3}, one, one, zero, zero);
        // feature_group_count 1: lhs [N, C=3] with a [6, 3] kernel is not a per-example gradient
        G g = new G();
        Var x = g.f32(2, 3, 4, 4), d = g.f32(6, 3, 2, 2), w = g.f32(3);
        Var conv = g.eq(l.conv(1), x, d);
        Var grad = g.eq(new Reshape(Shape.of(2, 3, 2, 3, 3)), conv);
        Graph plain = g.build(norm(g, grad), clippedSum(g, grad, w));
        assertSame(plain, new ConvGhostClipping(ConvGhostClipping.Mode.ALWAYS).run(plain));
        // several input features per group (rhs [6, 2, ..]): a grouped layer's own gradient, not vmap's
        G h = new G();
        Var x2 = h.f32(2, 6, 4, 4), d2 = h.f32(6, 2, 2, 2), w2 = h.f32(3);
        Var grad2 = h.eq(new Reshape(Shape.of(2, 3, 2, 3, 3)), h.eq(l.conv(3), x2, d2));
        Graph grouped = h.build(norm(h, grad2), clippedSum(h, grad2, w2));
        assertSame(grouped, new ConvGhostClipping(ConvGhostClipping.Mode.ALWAYS).run(grouped));
    }

    @Test
    void aStridedLayersCroppingGradientIsRewrittenExactly() {
        // MNIST's second layer in miniature: 4x4 kernel, stride 2 on a 9x9 map, so the gradient
        // convolution has rhs dilation 2 and crops the input's last row and column (pad high -1)
        Layer l = new Layer(3, 2, 3, new int[] {9, 9}, new int[] {3, 3}, new int[] {4, 4}, new int[] {1, 1},
                new int[] {2, 2}, new int[] {0, 0}, new int[] {-1, -1});
        G g = new G();
        Var grad = perExampleGradient(g, l, DType.F64);
        Var w = g.in(DType.F64, l.b);
        Graph graph = g.build(norm(g, grad), clippedSum(g, grad, w));
        Graph opt = new DeadCodeElimination().run(new ConvGhostClipping(ConvGhostClipping.Mode.ALWAYS).run(graph));
        assertEquals(0, groupedConvs(opt), opt.toString());
        assertSameF64(graph, opt, inputs(graph, new Random(13), 1));
    }

    @Test
    void aReshapeThatDoesNotSplitFeaturesByExampleIsLeftAlone() {
        int[] one = {1, 1}, zero = {0, 0};
        Layer l = new Layer(3, 2, 2, new int[] {4, 4}, new int[] {2, 2}, new int[] {3, 3}, one, one, zero, zero);
        G g = new G();
        Var x = g.f32(2, 3, 4, 4), d = g.f32(6, 1, 2, 2), w = g.f32(2);
        Var conv = g.eq(l.conv(3), x, d);
        // [2, 6, 3, 3] as [2, 2, 3, 3, 3]: features split (Cout, B), not (B, Cout)
        Var grad = g.eq(new Reshape(Shape.of(2, 2, 3, 3, 3)), conv);
        Graph graph = g.build(norm(g, grad), clippedSum(g, grad, w));
        assertSame(graph, new ConvGhostClipping(ConvGhostClipping.Mode.ALWAYS).run(graph));
    }

    @Test
    void aNormOverTheWrongAxesIsNotRewritten() {
        int[] one = {1, 1}, zero = {0, 0};
        Layer l = new Layer(3, 2, 2, new int[] {4, 4}, new int[] {2, 2}, new int[] {3, 3}, one, one, zero, zero);
        G g = new G();
        Var grad = perExampleGradient(g, l, DType.F32);
        Graph graph = g.build(g.sum(g.mul(grad, grad), 1, 2, 3, 4));
        assertSame(graph, new ConvGhostClipping(ConvGhostClipping.Mode.ALWAYS).run(graph));
        assertTrue(groupedConvs(graph) == 1);
    }
}
