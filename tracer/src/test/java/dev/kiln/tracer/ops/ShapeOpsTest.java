package dev.kiln.tracer.ops;

import static dev.kiln.tracer.TestData.assertClose;
import static dev.kiln.tracer.TestData.f32;
import static dev.kiln.tracer.TestData.flat;
import static dev.kiln.tracer.TestData.unflat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.kiln.ir.DType;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.TestData;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Shape operations, eagerly, against index arithmetic in plain Java. */
class ShapeOpsTest {
    private static final int[] S = {2, 3, 4};
    private static final Tensor X = TestData.randomF32(7, S);
    private static final float[] XV = X.toFloatArray();

    private static double x(int i, int j, int k) {
        return XV[flat(S, i, j, k)];
    }

    @Test
    void reshapeKeepsRowMajorOrderAndInfersOneDimension() {
        Tensor r = X.reshape(4, -1);
        assertEquals(f32(4, 6), r.type());
        assertArrayEquals(XV, r.toFloatArray());
        assertEquals(f32(24), X.flatten().type());
        assertEquals(f32(2, 12), X.flatten(1).type());
        assertSame(X, X.reshape(2, 3, 4), "a reshape to the same shape is the tensor itself");
    }

    @Test
    void transposePermutesIndices() {
        Tensor t = X.transpose(2, 0, 1);
        int[] ts = {4, 2, 3};
        assertEquals(f32(ts), t.type());
        double[] expected = new double[24];
        for (int f = 0; f < 24; f++) {
            int[] o = unflat(ts, f);
            expected[f] = x(o[1], o[2], o[0]);
        }
        assertClose(expected, t, 0);
        assertClose(expected(new int[] {4, 3, 2}, o -> x(o[2], o[1], o[0])), X.transpose(), 0);
    }

    @Test
    void swapAxesMoveAxisAndMatrixTranspose() {
        assertClose(expected(new int[] {4, 3, 2}, o -> x(o[2], o[1], o[0])), X.swapAxes(0, -1), 0);
        assertClose(expected(new int[] {3, 4, 2}, o -> x(o[2], o[0], o[1])), X.moveAxis(0, 2), 0);
        assertClose(expected(new int[] {4, 2, 3}, o -> x(o[1], o[2], o[0])), X.moveAxis(-1, 0), 0);
        assertClose(expected(new int[] {2, 4, 3}, o -> x(o[0], o[2], o[1])), X.mT(), 0);
    }

    @Test
    void broadcastToRepeatsValues() {
        Tensor row = Tensor.of(new float[] {1, 2, 3}, 1, 3);
        Tensor b = row.broadcastTo(2, 2, 3);
        assertEquals(f32(2, 2, 3), b.type());
        assertClose(new double[] {1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3}, b, 0);
    }

    @Test
    void expandDimsAndSqueezeAddAndRemoveUnitAxes() {
        assertEquals(f32(2, 1, 3, 4), X.expandDims(1).type());
        assertEquals(f32(2, 3, 4, 1), X.expandDims(-1).type());
        Tensor u = Tensor.of(new float[] {1, 2, 3}, 1, 3, 1);
        assertEquals(f32(3), u.squeeze().type());
        assertEquals(f32(3, 1), u.squeeze(0).type());
        assertArrayEquals(new float[] {1, 2, 3}, u.squeeze().toFloatArray());
    }

    @Test
    void sliceWithStepAndNegativeBounds() {
        Tensor s = X.slice(2, 1, 4, 2);
        assertClose(expected(new int[] {2, 3, 2}, o -> x(o[0], o[1], 1 + 2 * o[2])), s, 0);
        assertClose(expected(new int[] {2, 2, 4}, o -> x(o[0], o[1] + 1, o[2])), X.slice(1, -2, 3), 0);
        assertSame(X, X.slice(0, 0, 2), "a full slice is the tensor itself");
    }

    @Test
    void indexRemovesTheAxis() {
        assertClose(expected(new int[] {2, 4}, o -> x(o[0], 2, o[1])), X.index(1, 2), 0);
        assertClose(expected(new int[] {2, 3}, o -> x(o[0], o[1], 3)), X.index(-1, -1), 0);
    }

    @Test
    void padAddsValuesAtBothEnds() {
        Tensor v = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor p = v.pad(new int[] {1, 0}, new int[] {0, 2}, 9);
        assertEquals(f32(3, 4), p.type());
        assertClose(new double[] {9, 9, 9, 9, 1, 2, 9, 9, 3, 4, 9, 9}, p, 0);
    }

    @Test
    void flipReversesAxes() {
        assertClose(expected(S, o -> x(o[0], 2 - o[1], 3 - o[2])), X.flip(1, 2), 0);
    }

    @Test
    void concatJoinsAlongAnAxisAndPromotes() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor b = Tensor.of(new int[] {5, 6}, 2, 1);
        Tensor c = Tensor.concat(1, a, b);
        assertEquals(f32(2, 3), c.type());
        assertClose(new double[] {1, 2, 5, 3, 4, 6}, c, 0);
        Tensor d = Tensor.concat(0, List.of(a, a));
        assertClose(new double[] {1, 2, 3, 4, 1, 2, 3, 4}, d, 0);
    }

    @Test
    void stackAddsANewAxis() {
        Tensor a = Tensor.of(new float[] {1, 2, 3});
        Tensor b = Tensor.of(new float[] {4, 5, 6});
        Tensor s0 = Tensor.stack(0, a, b);
        Tensor s1 = Tensor.stack(-1, a, b);
        assertEquals(f32(2, 3), s0.type());
        assertEquals(f32(3, 2), s1.type());
        assertClose(new double[] {1, 2, 3, 4, 5, 6}, s0, 0);
        assertClose(new double[] {1, 4, 2, 5, 3, 6}, s1, 0);
    }

    @Test
    void creationOpsFillAndCount() {
        assertClose(f32(2, 3), new double[] {0, 0, 0, 0, 0, 0}, Tensor.zeros(2, 3), 0);
        assertClose(TestData.i32(2), new double[] {1, 1}, Tensor.ones(DType.I32, 2), 0);
        assertClose(TestData.f64(2, 2), new double[] {2.5, 2.5, 2.5, 2.5}, Tensor.full(2.5, DType.F64, 2, 2), 0);
        TestData.assertInts(new int[] {4}, new int[] {0, 1, 2, 3}, Tensor.arange(4));
        assertClose(f32(2, 3), new double[] {0, 1, 2, 0, 1, 2},
                Tensor.iota(DType.F32, dev.kiln.ir.Shape.of(2, 3), 1), 0);
        assertEquals(f32(2, 3, 4), Tensor.zerosLike(X).type());
        assertClose(new double[] {1, 1, 1}, Tensor.onesLike(Tensor.of(new float[3])), 0);
        assertEquals(f32(), Tensor.scalar(3).type());
    }

    @Test
    void metadataAccessors() {
        assertEquals(3, X.rank());
        assertEquals(24, X.numel());
        assertEquals(4, X.dim(-1));
        assertArrayEquals(S, X.dims());
        assertEquals(DType.F32, X.dtype());
    }

    private static double[] expected(int[] shape, java.util.function.ToDoubleFunction<int[]> at) {
        int n = dev.kiln.ir.Shape.of(shape).numel();
        double[] out = new double[n];
        for (int f = 0; f < n; f++) {
            out[f] = at.applyAsDouble(unflat(shape, f));
        }
        return out;
    }
}
