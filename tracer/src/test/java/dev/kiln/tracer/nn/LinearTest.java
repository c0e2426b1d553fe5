package dev.kiln.tracer.nn;

import static dev.kiln.tracer.TestData.assertClose;
import static dev.kiln.tracer.TestData.f32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.DType;
import dev.kiln.ir.Ints;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.Transpose;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.TestData;
import dev.kiln.tracer.Tracing;
import dev.kiln.tracer.tree.PyTree;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinearTest {

    private static double[] naive(Tensor x, Tensor w, Tensor b, int rows, int in, int out) {
        float[] xv = x.toFloatArray(), wv = w.toFloatArray(), bv = b == null ? new float[out] : b.toFloatArray();
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double s = bv[o];
                for (int i = 0; i < in; i++) {
                    s += xv[r * in + i] * (double) wv[o * in + i];
                }
                y[r * out + o] = s;
            }
        }
        return y;
    }

    @Test
    void applyIsXTimesWeightTransposedPlusBias() {
        Linear l = new Linear(TestData.randomF32(1, 2, 104), TestData.randomF32(2, 2));
        Tensor x = TestData.randomF32(3, 8, 104);
        assertClose(f32(8, 2), naive(x, l.weight(), l.bias(), 8, 104, 2), l.apply(x), 1e-5);
        assertEquals(104, l.inFeatures());
        assertEquals(2, l.outFeatures());
    }

    @Test
    void applyWorksOnAnyLeadingShapeAndWithoutBias() {
        Linear l = new Linear(TestData.randomF32(4, 3, 5), null);
        Tensor x = TestData.randomF32(5, 2, 4, 5);
        Tensor y = l.apply(x);
        assertEquals(f32(2, 4, 3), y.type());
        assertClose(naive(x, l.weight(), null, 8, 5, 3), y, 1e-5);
        assertClose(f32(3), naive(x.index(0, 0).index(0, 0), l.weight(), null, 1, 5, 3), l.apply(x.index(0, 0).index(0, 0)), 1e-5);
    }

    @Test
    void applyTracesToOneDotGeneralWithoutATranspose() {
        Fn2<Linear, Tensor, Tensor> f = Linear::apply;
        var g = Tracing.makeGraph(f.erase(), List.of(new Linear(Tensor.of(new float[6], 3, 2), Tensor.of(new float[3])),
                f32(8, 2)));
        assertEquals(new DotGeneral(Ints.of(1), Ints.of(1), Ints.empty(), Ints.empty()), g.equations().get(0).primitive());
        assertTrue(g.equations().stream().noneMatch(e -> e.primitive() instanceof Transpose));
        assertEquals(f32(8, 3), g.outputTypes().get(0));
    }

    @Test
    void initDrawsPyTorchsUniformBoundDeterministically() {
        Linear l = Linear.init(Random.key(0), 100, 50);
        assertEquals(f32(50, 100), l.weight().type());
        assertEquals(f32(50), l.bias().type());
        double bound = 1 / Math.sqrt(100);
        for (float v : l.weight().toFloatArray()) {
            assertTrue(Math.abs(v) <= bound, "weight " + v + " outside the bound " + bound);
        }
        for (float v : l.bias().toFloatArray()) {
            assertTrue(Math.abs(v) <= bound);
        }
        // A uniform on [-b, b) has variance b^2 / 3; 5000 samples pin it within a few percent.
        double var = l.weight().square().mean().item();
        assertEquals(bound * bound / 3, var, 5 * bound * bound * Math.sqrt(4.0 / 45 / 5000));
        assertArrayEquals(l.weight().toFloatArray(), Linear.init(Random.key(0), 100, 50).weight().toFloatArray());
        assertEquals(DType.F64, Linear.init(Random.key(0), 3, 2, DType.F64).bias().dtype());
    }

    @Test
    void aLinearLayerIsAPytreeOfTwoLeaves() {
        Linear l = new Linear(Tensor.of(new float[6], 3, 2), Tensor.of(new float[3]));
        assertEquals(List.of(l.weight(), l.bias()), PyTree.leaves(l));
        assertEquals(List.of(l.weight()), PyTree.leaves(new Linear(l.weight(), null)));
    }

    @Test
    void featureMismatchNamesBothShapes() {
        Linear l = new Linear(Tensor.of(new float[100], 2, 50), null);
        KilnException e = assertThrows(KilnException.class, () -> l.apply(Tensor.of(new float[8 * 104], 8, 104)));
        assertTrue(e.getMessage().contains("Linear: input f32[8,104] has 104 features in its last dimension but weight "
                + "f32[2,50] expects 50"), e.getMessage());
        assertTrue(e.getMessage().contains("[out, in]"), e.getMessage());
    }
}
