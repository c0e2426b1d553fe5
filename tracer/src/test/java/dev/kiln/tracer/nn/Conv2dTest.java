package dev.kiln.tracer.nn;

import static dev.kiln.tracer.TestData.assertClose;
import static dev.kiln.tracer.TestData.f32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.TestData;
import dev.kiln.tracer.tree.PyTree;
import dev.kiln.tracer.tree.TreeDef;
import java.util.List;
import org.junit.jupiter.api.Test;

class Conv2dTest {

    /** PyTorch's Conv2d (square stride and padding) with bias, by definition. */
    private static double[] naive(Tensor x, Conv2d layer, int[] outShape) {
        Tensor w = layer.weight();
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3), o = w.dim(0), k = w.dim(2);
        int s = layer.stride(), p = layer.padding();
        int oh = (h + 2 * p - k) / s + 1, ow = (wd + 2 * p - k) / s + 1;
        System.arraycopy(new int[] {n, o, oh, ow}, 0, outShape, 0, 4);
        float[] xv = x.toFloatArray(), wv = w.toFloatArray(), bv = layer.bias().toFloatArray();
        double[] out = new double[n * o * oh * ow];
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < o; oc++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double acc = bv[oc];
                        for (int ic = 0; ic < c; ic++) {
                            for (int u = 0; u < k; u++) {
                                for (int v = 0; v < k; v++) {
                                    int y = i * s - p + u, z = j * s - p + v;
                                    if (y >= 0 && y < h && z >= 0 && z < wd) {
                                        acc += xv[((b * c + ic) * h + y) * wd + z] * (double) wv[((oc * c + ic) * k + u) * k + v];
                                    }
                                }
                            }
                        }
                        out[((b * o + oc) * oh + i) * ow + j] = acc;
                    }
                }
            }
        }
        return out;
    }

    @Test
    void mnistFirstLayerMatchesNaiveConvolutionWithBias() {
        Conv2d conv = new Conv2d(TestData.randomF32(1, 16, 1, 8, 8), TestData.randomF32(2, 16), 2, 3);
        Tensor x = TestData.randomF32(3, 2, 1, 28, 28);
        int[] shape = new int[4];
        double[] expected = naive(x, conv, shape);
        assertEquals(List.of(2, 16, 14, 14), List.of(shape[0], shape[1], shape[2], shape[3]));
        assertClose(f32(shape), expected, conv.apply(x), 1e-5);
    }

    @Test
    void defaultGeometryIsStrideOneNoPadding() {
        Conv2d conv = new Conv2d(TestData.randomF32(4, 4, 3, 3, 3), TestData.randomF32(5, 4));
        assertEquals(1, conv.stride());
        assertEquals(0, conv.padding());
        Tensor x = TestData.randomF32(6, 1, 3, 5, 6);
        int[] shape = new int[4];
        double[] expected = naive(x, conv, shape);
        assertClose(f32(1, 4, 3, 4), expected, conv.apply(x), 1e-5);
    }

    @Test
    void initUsesFanInBoundAndKeepsTheGeometry() {
        Conv2d conv = Conv2d.init(Random.key(3), 16, 32, 4, 2, 0);
        assertEquals(f32(32, 16, 4, 4), conv.weight().type());
        assertEquals(f32(32), conv.bias().type());
        assertEquals(2, conv.stride());
        double bound = 1 / Math.sqrt(16 * 4 * 4);
        assertTrue(conv.weight().abs().amax().item() <= bound);
        assertTrue(conv.bias().abs().amax().item() <= bound);
        assertTrue(conv.weight().abs().amax().item() > 0.9 * bound, "samples reach out to the bound");
    }

    @Test
    void strideAndPaddingAreStaticPartsOfThePytree() {
        Conv2d conv = new Conv2d(Tensor.of(new float[4], 1, 1, 2, 2), Tensor.of(new float[1]), 2, 1);
        PyTree.Flat flat = PyTree.flatten(conv);
        assertEquals(2, flat.leaves().size());
        TreeDef.RecordNode node = (TreeDef.RecordNode) flat.def();
        assertEquals(new TreeDef.Static(2), node.children().get(2));
        assertEquals(new TreeDef.Static(1), node.children().get(3));
        Conv2d rebuilt = (Conv2d) flat.def().unflatten(flat.leaves());
        assertEquals(conv, rebuilt);
    }
}
