package dev.kiln.tracer.ops;

import static dev.kiln.tracer.TestData.assertClose;
import static dev.kiln.tracer.TestData.f32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.KilnException;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.ReduceWindow;
import dev.kiln.ir.prim.WindowKind;
import dev.kiln.tracer.Fn1;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.TestData;
import dev.kiln.tracer.Tracing;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Convolution and pooling, eagerly, against direct loops over NCHW arrays. */
class ConvOpsTest {

    /** PyTorch's conv2d by definition; padding is {top, bottom, left, right}. */
    static double[] naiveConv(Tensor x, Tensor w, int[] stride, int[] pad, int[] dil, int groups, int[] outShape) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3);
        int o = w.dim(0), ipg = w.dim(1), kh = w.dim(2), kw = w.dim(3);
        int oh = (h + pad[0] + pad[1] - dil[0] * (kh - 1) - 1) / stride[0] + 1;
        int ow = (wd + pad[2] + pad[3] - dil[1] * (kw - 1) - 1) / stride[1] + 1;
        int[] s = {n, o, oh, ow};
        System.arraycopy(s, 0, outShape, 0, 4);
        float[] xv = x.toFloatArray(), wv = w.toFloatArray();
        double[] out = new double[n * o * oh * ow];
        int opg = o / groups;
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < o; oc++) {
                int g = oc / opg;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double acc = 0;
                        for (int ic = 0; ic < ipg; ic++) {
                            for (int p = 0; p < kh; p++) {
                                for (int q = 0; q < kw; q++) {
                                    int y = i * stride[0] - pad[0] + p * dil[0];
                                    int z = j * stride[1] - pad[2] + q * dil[1];
                                    if (y >= 0 && y < h && z >= 0 && z < wd) {
                                        acc += xv[((b * c + g * ipg + ic) * h + y) * wd + z]
                                                * (double) wv[((oc * ipg + ic) * kh + p) * kw + q];
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

    private static void checkConv(Tensor x, Tensor w, int[] stride, int[] padSides, int[] padArg, int[] dil, int groups) {
        int[] shape = new int[4];
        double[] expected = naiveConv(x, w, stride, padSides, dil, groups, shape);
        Tensor y = ConvOps.conv2d(x, w, stride, padArg, dil, groups);
        assertClose(f32(shape), expected, y, 1e-5);
    }

    @Test
    void plainConvMatchesNaiveLoop() {
        Tensor x = TestData.randomF32(1, 2, 3, 7, 6), w = TestData.randomF32(2, 4, 3, 3, 2);
        checkConv(x, w, new int[] {1, 1}, new int[] {0, 0, 0, 0}, new int[] {0}, new int[] {1, 1}, 1);
        int[] shape = new int[4];
        assertClose(naiveConv(x, w, new int[] {1, 1}, new int[4], new int[] {1, 1}, 1, shape), ConvOps.conv2d(x, w), 1e-5);
    }

    @Test
    void convWithStrideAndSymmetricPaddingMatchesNaiveLoop() {
        Tensor x = TestData.randomF32(3, 2, 1, 28, 28), w = TestData.randomF32(4, 16, 1, 8, 8);
        int[] shape = new int[4];
        double[] expected = naiveConv(x, w, new int[] {2, 2}, new int[] {3, 3, 3, 3}, new int[] {1, 1}, 1, shape);
        Tensor y = ConvOps.conv2d(x, w, 2, 3);
        assertClose(f32(2, 16, 14, 14), expected, y, 1e-5);
    }

    @Test
    void convWithPerSidePaddingAndUnequalStridesMatchesNaiveLoop() {
        Tensor x = TestData.randomF32(5, 1, 2, 6, 7), w = TestData.randomF32(6, 3, 2, 3, 3);
        checkConv(x, w, new int[] {2, 1}, new int[] {1, 0, 2, 1}, new int[] {1, 0, 2, 1}, new int[] {1, 1}, 1);
        checkConv(x, w, new int[] {1, 3}, new int[] {2, 2, 1, 1}, new int[] {2, 1}, new int[] {1, 1}, 1);
    }

    @Test
    void convWithDilationMatchesNaiveLoop() {
        Tensor x = TestData.randomF32(7, 2, 2, 9, 8), w = TestData.randomF32(8, 3, 2, 3, 2);
        checkConv(x, w, new int[] {1, 1}, new int[] {1, 1, 0, 0}, new int[] {1, 0}, new int[] {2, 3}, 1);
    }

    @Test
    void convWithFeatureGroupsMatchesNaiveLoop() {
        Tensor x = TestData.randomF32(9, 2, 6, 5, 5), w = TestData.randomF32(10, 4, 3, 2, 2);
        checkConv(x, w, new int[] {1, 1}, new int[] {1, 1, 1, 1}, new int[] {1}, new int[] {1, 1}, 2);
        Tensor depthwise = TestData.randomF32(11, 6, 1, 3, 3);
        // Stride and dilation given as one number for both dimensions.
        int[] shape = new int[4];
        double[] expected = naiveConv(x, depthwise, new int[] {2, 2}, new int[] {1, 1, 1, 1}, new int[] {1, 1}, 6, shape);
        assertClose(f32(shape), expected, ConvOps.conv2d(x, depthwise, new int[] {2}, new int[] {1}, new int[] {1}, 6), 1e-5);
    }

    @Test
    void convOfIntegerInputPromotesToF32() {
        Tensor x = Tensor.of(new int[] {1, 2, 3, 4}, 1, 1, 2, 2);
        Tensor w = Tensor.of(new float[] {1, 1, 1, 1}, 1, 1, 2, 2);
        assertClose(f32(1, 1, 1, 1), new double[] {10}, ConvOps.conv2d(x, w), 0);
    }

    @Test
    void convTracesToOneConvGeneralDilated() {
        Fn2<Tensor, Tensor, Tensor> f = (x, w) -> ConvOps.conv2d(x, w, new int[] {2, 1}, new int[] {1, 2, 3, 4},
                new int[] {1, 2}, 2);
        var g = Tracing.makeGraph(f.erase(), List.of(f32(8, 4, 16, 16), f32(6, 2, 3, 3)));
        assertEquals(1, g.equations().size());
        assertEquals(new ConvGeneralDilated(dev.kiln.ir.Ints.of(2, 1), dev.kiln.ir.Ints.of(1, 3), dev.kiln.ir.Ints.of(2, 4),
                dev.kiln.ir.Ints.of(1, 1), dev.kiln.ir.Ints.of(1, 2), 2, 1), g.equations().get(0).primitive());
    }

    @Test
    void convGeneralWithBatchGroupsComputesPerExampleKernelGradients() {
        // With batch_group_count = N, output feature block b sees only example b: the form vmap
        // and autodiff use for per-example weight gradients. Check it against per-example convs.
        Tensor x = TestData.randomF32(12, 3, 4, 4, 2); // [N=3, C=4, 4, 2]: plays the role of [C', N', H, W]
        Tensor w = TestData.randomF32(13, 6, 4, 2, 2); // O = 6 = 2 per batch group
        Tensor y = ConvOps.convGeneral(x, w, new int[] {1, 1}, new int[] {0, 0}, new int[] {0, 0}, new int[] {1, 1},
                new int[] {1, 1}, 1, 3);
        assertEquals(f32(1, 6, 3, 1), y.type());
        double[] got = y.toDoubleArray();
        for (int b = 0; b < 3; b++) {
            Tensor xb = x.slice(0, b, b + 1);
            Tensor wb = w.slice(0, 2 * b, 2 * b + 2);
            double[] expected = ConvOps.conv2d(xb, wb).toDoubleArray();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], got[b * expected.length + i], 1e-5);
            }
        }
    }

    @Test
    void convGeneralInOneSpatialDimensionWithInputDilation() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 1, 1, 3);
        Tensor w = Tensor.of(new float[] {1, 10}, 1, 1, 2);
        // lhs dilation 2: the input becomes [1, 0, 2, 0, 3].
        Tensor y = ConvOps.convGeneral(x, w, new int[] {1}, new int[] {0}, new int[] {0}, new int[] {2}, new int[] {1}, 1, 1);
        assertClose(f32(1, 1, 4), new double[] {1, 20, 2, 30}, y, 0);
    }

    // ---------------------------------------------------------------- pooling

    static double[] naivePool(Tensor x, int k, int s, int p, boolean max, int[] outShape) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        int oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1;
        System.arraycopy(new int[] {n, c, oh, ow}, 0, outShape, 0, 4);
        float[] xv = x.toFloatArray();
        double[] out = new double[n * c * oh * ow];
        for (int b = 0; b < n * c; b++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    double acc = max ? Double.NEGATIVE_INFINITY : 0;
                    for (int u = 0; u < k; u++) {
                        for (int v = 0; v < k; v++) {
                            int y = i * s - p + u, z = j * s - p + v;
                            if (y >= 0 && y < h && z >= 0 && z < w) {
                                double e = xv[(b * h + y) * w + z];
                                acc = max ? Math.max(acc, e) : acc + e;
                            }
                        }
                    }
                    out[(b * oh + i) * ow + j] = max ? acc : acc / (k * k);
                }
            }
        }
        return out;
    }

    @Test
    void maxPoolMatchesNaiveLoop() {
        Tensor x = TestData.randomF32(20, 2, 3, 7, 6);
        int[][] cases = {{2, 2, 0}, {2, 1, 0}, {3, 2, 1}, {3, 1, 1}};
        for (int[] c : cases) {
            int[] shape = new int[4];
            double[] expected = naivePool(x, c[0], c[1], c[2], true, shape);
            assertClose(f32(shape), expected, ConvOps.maxPool2d(x, c[0], c[1], c[2]), 0);
        }
        assertClose(f32(2, 3, 3, 3), naivePool(x, 2, 2, 0, true, new int[4]), ConvOps.maxPool2d(x, 2), 0);
    }

    @Test
    void maxPoolPaddingIsNeverSelectedEvenForNegativeInputs() {
        Tensor x = Tensor.of(new float[] {-5, -6, -7, -8}, 1, 1, 2, 2);
        assertClose(f32(1, 1, 3, 3), new double[] {-5, -5, -6, -5, -5, -6, -7, -7, -8}, ConvOps.maxPool2d(x, 2, 1, 1), 0);
    }

    @Test
    void avgPoolCountsPaddingInTheAverageAsPyTorchDoesByDefault() {
        Tensor x = TestData.randomF32(21, 2, 2, 6, 6);
        int[][] cases = {{2, 2, 0}, {3, 2, 1}, {2, 1, 1}};
        for (int[] c : cases) {
            int[] shape = new int[4];
            double[] expected = naivePool(x, c[0], c[1], c[2], false, shape);
            assertClose(f32(shape), expected, ConvOps.avgPool2d(x, c[0], c[1], c[2]), 1e-6);
        }
        // A corner window with padding 1 holds one real element, divided by 4.
        Tensor ones = Tensor.of(new float[] {1, 1, 1, 1}, 1, 1, 2, 2);
        assertClose(f32(1, 1, 3, 3), new double[] {0.25, 0.5, 0.25, 0.5, 1, 0.5, 0.25, 0.5, 0.25},
                ConvOps.avgPool2d(ones, 2, 1, 1), 0);
    }

    @Test
    void poolingAcceptsUnbatchedChwInput() {
        Tensor x = TestData.randomF32(22, 3, 4, 4);
        int[] shape = new int[4];
        double[] expected = naivePool(x.reshape(1, 3, 4, 4), 2, 2, 0, false, shape);
        assertClose(f32(3, 2, 2), expected, ConvOps.avgPool2d(x, 2), 1e-6);
    }

    @Test
    void poolingTracesToOneReduceWindowOverTheLastTwoDimensions() {
        Fn1<Tensor, Tensor> f = x -> ConvOps.maxPool2d(x, 2, 1, 0);
        var g = Tracing.makeGraph(f.erase(), List.of(f32(8, 16, 14, 14)));
        assertEquals(new ReduceWindow(WindowKind.MAX, dev.kiln.ir.Ints.of(1, 1, 2, 2), dev.kiln.ir.Ints.of(1, 1, 1, 1),
                dev.kiln.ir.Ints.of(0, 0, 0, 0), dev.kiln.ir.Ints.of(0, 0, 0, 0)), g.equations().get(0).primitive());
        assertEquals(f32(8, 16, 13, 13), g.outputTypes().get(0));
    }

    @Test
    void globalAvgPoolAveragesSpatialDimensions() {
        Tensor x = TestData.randomF32(23, 2, 3, 4, 5);
        float[] xv = x.toFloatArray();
        double[] expected = new double[6];
        for (int b = 0; b < 6; b++) {
            for (int i = 0; i < 20; i++) {
                expected[b] += xv[b * 20 + i] / 20.0;
            }
        }
        assertClose(f32(2, 3), expected, ConvOps.globalAvgPool(x), 1e-6);
    }

    @Test
    void tensorConveniencesDelegateToConvOps() {
        Tensor x = TestData.randomF32(24, 1, 2, 5, 5), w = TestData.randomF32(25, 3, 2, 3, 3);
        assertClose(ConvOps.conv2d(x, w, 2, 1).toDoubleArray(), x.conv2d(w, 2, 1), 0);
        assertClose(ConvOps.maxPool2d(x, 3, 2, 1).toDoubleArray(), x.maxPool2d(3, 2, 1), 0);
        assertClose(ConvOps.avgPool2d(x, 2, 1, 0).toDoubleArray(), x.avgPool2d(2, 1, 0), 0);
    }

    @Test
    void poolingPaddingOverHalfTheKernelIsRejected() {
        KilnException e = assertThrows(KilnException.class, () -> ConvOps.maxPool2d(Tensor.of(new float[16], 1, 1, 4, 4), 2, 1, 2));
        assertTrue(e.getMessage().contains("maxPool2d: padding 2 must be at most half the kernel 2"), e.getMessage());
    }
}
