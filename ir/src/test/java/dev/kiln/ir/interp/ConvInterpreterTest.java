package dev.kiln.ir.interp;

import static dev.kiln.ir.interp.TestData.at;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Ints;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.Concatenate;
import dev.kiln.ir.prim.ConvGeneralDilated;
import dev.kiln.ir.prim.Slice;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Convolutions against naive references that materialise what XLA's definition describes: the
 * lhs-dilated, padded (or cropped) input and the rhs-dilated kernel, both with explicit zeros,
 * then a plain strided cross-correlation with the group bookkeeping spelled out.
 */
class ConvInterpreterTest {

    /** The input with {@code lhsDilation-1} zeros between elements and {@code lo}/{@code hi} zeros (or crops) at the ends. */
    private static ArrayData dilateAndPad(ArrayData x, int[] lo, int[] hi, int[] dil) {
        int[] in = x.shape().toArray();
        int ns = in.length - 2;
        int[] out = in.clone();
        for (int d = 0; d < ns; d++) {
            int size = in[d + 2] == 0 ? 0 : (in[d + 2] - 1) * dil[d] + 1;
            out[d + 2] = size + lo[d] + hi[d];
        }
        ArrayData y = ArrayData.zeros(TensorType.of(DType.F64, out));
        for (int f = 0; f < x.size(); f++) {
            int[] idx = TestData.unflat(f, in);
            boolean inside = true;
            for (int d = 0; d < ns; d++) {
                idx[d + 2] = lo[d] + idx[d + 2] * dil[d];
                inside &= idx[d + 2] >= 0 && idx[d + 2] < out[d + 2];
            }
            if (inside) {
                y.setDouble(TestData.flat(idx, out), x.getDouble(f));
            }
        }
        return y;
    }

    /** N-d naive convolution of any spatial rank, by coordinates. */
    private static ArrayData naiveConv(ConvGeneralDilated c, ArrayData lhs, ArrayData rhs) {
        int ns = c.spatialRank();
        int[] zeros = new int[ns];
        ArrayData px = dilateAndPad(lhs, c.padLow().toArray(), c.padHigh().toArray(), c.lhsDilation().toArray());
        ArrayData kx = dilateAndPad(rhs, zeros, zeros, c.rhsDilation().toArray());
        int[] ps = px.shape().toArray(), ks = kx.shape().toArray();
        int n = ps[0], features = ks[0], perGroup = ks[1];
        int g = c.featureGroupCount(), b = c.batchGroupCount();
        int[] out = new int[ns + 2];
        out[0] = n / b;
        out[1] = features;
        int[] window = new int[ns];
        for (int d = 0; d < ns; d++) {
            window[d] = ks[d + 2];
            out[d + 2] = ps[d + 2] < ks[d + 2] ? 0 : (ps[d + 2] - ks[d + 2]) / c.windowStrides().get(d) + 1;
        }
        int windowCount = TensorType.of(DType.F64, window).numel();
        return TestData.fromFunction(lhs.dtype(), out, o -> {
            int outFeature = o[1];
            int featureGroup = outFeature / (features / g);
            int batchGroup = outFeature / (features / b);
            int example = batchGroup * (n / b) + o[0];
            double sum = 0;
            for (int i = 0; i < perGroup; i++) {
                for (int t = 0; t < windowCount; t++) {
                    int[] tap = TestData.unflat(t, window);
                    int[] xi = new int[ns + 2], wi = new int[ns + 2];
                    xi[0] = example;
                    xi[1] = featureGroup * perGroup + i;
                    wi[0] = outFeature;
                    wi[1] = i;
                    for (int d = 0; d < ns; d++) {
                        xi[d + 2] = o[d + 2] * c.windowStrides().get(d) + tap[d];
                        wi[d + 2] = tap[d];
                    }
                    sum += at(px, xi) * at(kx, wi);
                }
            }
            return sum;
        });
    }

    /** The same for 2-D, with the seven loops written out (batch, feature, y, x, input feature, ky, kx). */
    private static ArrayData naiveConv2d(ConvGeneralDilated c, ArrayData lhs, ArrayData rhs) {
        ArrayData px = dilateAndPad(lhs, c.padLow().toArray(), c.padHigh().toArray(), c.lhsDilation().toArray());
        ArrayData kx = dilateAndPad(rhs, new int[2], new int[2], c.rhsDilation().toArray());
        int n = px.shape().dim(0), hp = px.shape().dim(2), wp = px.shape().dim(3);
        int features = kx.shape().dim(0), perGroup = kx.shape().dim(1), kh = kx.shape().dim(2), kw = kx.shape().dim(3);
        int sy = c.windowStrides().get(0), sx = c.windowStrides().get(1);
        int g = c.featureGroupCount(), b = c.batchGroupCount();
        int oh = hp < kh ? 0 : (hp - kh) / sy + 1, ow = wp < kw ? 0 : (wp - kw) / sx + 1;
        ArrayData y = ArrayData.zeros(TensorType.of(lhs.dtype(), n / b, features, oh, ow));
        for (int nn = 0; nn < n / b; nn++) {
            for (int o = 0; o < features; o++) {
                int example = o / (features / b) * (n / b) + nn;
                int firstChannel = o / (features / g) * perGroup;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double sum = 0;
                        for (int i = 0; i < perGroup; i++) {
                            for (int ky = 0; ky < kh; ky++) {
                                for (int kxx = 0; kxx < kw; kxx++) {
                                    sum += at(px, example, firstChannel + i, oy * sy + ky, ox * sx + kxx)
                                            * at(kx, o, i, ky, kxx);
                                }
                            }
                        }
                        y.setDouble(TestData.flat(new int[] {nn, o, oy, ox}, new int[] {n / b, features, oh, ow}), sum);
                    }
                }
            }
        }
        return y;
    }

    private record Case(ConvGeneralDilated conv, int[] lhsShape, int[] rhsShape) {
    }

    private static Case randomCase(Random rnd, int ns) {
        int groups = 1, batchGroups = 1;
        switch (rnd.nextInt(3)) {
            case 1 -> groups = 1 + rnd.nextInt(3);
            case 2 -> batchGroups = 1 + rnd.nextInt(3);
            default -> { }
        }
        int perGroup = 1 + rnd.nextInt(3);
        int features = groups * batchGroups * (1 + rnd.nextInt(2));
        int batch = batchGroups * (1 + rnd.nextInt(2));
        int[] lhs = new int[ns + 2], rhs = new int[ns + 2];
        lhs[0] = batch;
        lhs[1] = perGroup * groups;
        rhs[0] = features;
        rhs[1] = perGroup;
        int[] stride = new int[ns], lo = new int[ns], hi = new int[ns], ld = new int[ns], rd = new int[ns];
        for (int d = 0; d < ns; d++) {
            lhs[d + 2] = 1 + rnd.nextInt(ns == 3 ? 4 : 7);
            rhs[d + 2] = 1 + rnd.nextInt(3);
            stride[d] = 1 + rnd.nextInt(3);
            ld[d] = 1 + rnd.nextInt(2);
            rd[d] = 1 + rnd.nextInt(2);
            int dilated = (lhs[d + 2] - 1) * ld[d] + 1;
            lo[d] = Math.max(rnd.nextInt(5) - 2, -dilated / 2);
            hi[d] = Math.max(rnd.nextInt(5) - 2, -(dilated + lo[d]));
        }
        ConvGeneralDilated c = new ConvGeneralDilated(Ints.of(stride), Ints.of(lo), Ints.of(hi), Ints.of(ld), Ints.of(rd),
                groups, batchGroups);
        return new Case(c, lhs, rhs);
    }

    @Test
    void conv2dMatchesTheSevenLoopReference() {
        Random rnd = new Random(40);
        for (int c = 0; c < 120; c++) {
            DType dt = TestData.FLOATS[c % 2];
            Case k = randomCase(rnd, 2);
            ArrayData lhs = TestData.random(rnd, dt, k.lhsShape()), rhs = TestData.random(rnd, dt, k.rhsShape());
            ArrayData actual = TestData.run(k.conv(), lhs, rhs);
            TestData.assertClose(naiveConv2d(k.conv(), lhs, rhs), actual, "conv " + k.conv() + " " + lhs.type() + " * " + rhs.type());
        }
    }

    @Test
    void conv1dAnd3dMatchTheCoordinateReference() {
        Random rnd = new Random(41);
        for (int c = 0; c < 80; c++) {
            DType dt = TestData.FLOATS[c % 2];
            Case k = randomCase(rnd, c % 4 == 0 ? 3 : 1);
            ArrayData lhs = TestData.random(rnd, dt, k.lhsShape()), rhs = TestData.random(rnd, dt, k.rhsShape());
            ArrayData actual = TestData.run(k.conv(), lhs, rhs);
            TestData.assertClose(naiveConv(k.conv(), lhs, rhs), actual, "conv " + k.conv() + " " + lhs.type() + " * " + rhs.type());
        }
    }

    @Test
    void twoNaiveReferencesAgreeOn2d() {
        Random rnd = new Random(42);
        for (int c = 0; c < 20; c++) {
            Case k = randomCase(rnd, 2);
            ArrayData lhs = TestData.random(rnd, DType.F64, k.lhsShape()), rhs = TestData.random(rnd, DType.F64, k.rhsShape());
            TestData.assertClose(naiveConv2d(k.conv(), lhs, rhs), naiveConv(k.conv(), lhs, rhs), "references");
        }
    }

    @Test
    void featureGroupsAreConvolutionsOfChannelSlicesConcatenated() {
        Random rnd = new Random(43);
        int groups = 3;
        ArrayData lhs = TestData.random(rnd, DType.F64, 2, 2 * groups, 5, 5);
        ArrayData rhs = TestData.random(rnd, DType.F64, 2 * groups, 2, 3, 3);
        ConvGeneralDilated grouped = new ConvGeneralDilated(Ints.of(1, 2), Ints.of(1, 0), Ints.of(0, 1), Ints.of(1, 1),
                Ints.of(1, 1), groups, 1);
        ConvGeneralDilated plain = new ConvGeneralDilated(Ints.of(1, 2), Ints.of(1, 0), Ints.of(0, 1), Ints.of(1, 1),
                Ints.of(1, 1), 1, 1);
        List<ArrayData> parts = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            ArrayData x = slice(lhs, 1, 2 * g, 2 * g + 2), w = slice(rhs, 0, 2 * g, 2 * g + 2);
            parts.add(TestData.run(plain, x, w));
        }
        ArrayData expected = TestData.run(new Concatenate(1), parts.toArray(new ArrayData[0]));
        TestData.assertClose(expected, TestData.run(grouped, lhs, rhs), "feature groups");
    }

    @Test
    void batchGroupOfOutputFeaturesSeesItsSliceOfTheBatch() {
        Random rnd = new Random(44);
        int groups = 3;
        ArrayData lhs = TestData.random(rnd, DType.F64, 2 * groups, 2, 6, 4);
        ArrayData rhs = TestData.random(rnd, DType.F64, 2 * groups, 2, 2, 3);
        ConvGeneralDilated grouped = new ConvGeneralDilated(Ints.of(2, 1), Ints.of(0, 1), Ints.of(1, 1), Ints.of(1, 1),
                Ints.of(2, 1), 1, groups);
        ConvGeneralDilated plain = new ConvGeneralDilated(Ints.of(2, 1), Ints.of(0, 1), Ints.of(1, 1), Ints.of(1, 1),
                Ints.of(2, 1), 1, 1);
        List<ArrayData> parts = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            // Output features [2g, 2g+2) use examples [2g, 2g+2) of the lhs batch.
            parts.add(TestData.run(plain, slice(lhs, 0, 2 * g, 2 * g + 2), slice(rhs, 0, 2 * g, 2 * g + 2)));
        }
        ArrayData expected = TestData.run(new Concatenate(1), parts.toArray(new ArrayData[0]));
        TestData.assertClose(expected, TestData.run(grouped, lhs, rhs), "batch groups");
    }

    private static ArrayData slice(ArrayData x, int dim, int from, int to) {
        int[] s = x.shape().toArray();
        int[] start = new int[s.length], limit = s.clone();
        start[dim] = from;
        limit[dim] = to;
        return TestData.run(new Slice(Ints.of(start), Ints.of(limit), Ints.filled(s.length, 1)), x);
    }

    @Test
    void negativePaddingCropsTheInput() {
        // 1-D: input 1..6, kernel [1], crop 2 at the front and 1 at the back: 3, 4, 5.
        ArrayData x = ArrayData.of(new double[] {1, 2, 3, 4, 5, 6}, 1, 1, 6);
        ArrayData w = ArrayData.of(new double[] {1}, 1, 1, 1);
        ConvGeneralDilated c = new ConvGeneralDilated(Ints.of(1), Ints.of(-2), Ints.of(-1), Ints.of(1), Ints.of(1), 1, 1);
        TestData.assertExact(ArrayData.of(new double[] {3, 4, 5}, 1, 1, 3), TestData.run(c, x, w), "cropped conv");
    }

    @Test
    void lhsDilationSpreadsTheInput() {
        // Input 1,2,3 dilated by 2 is 1,0,2,0,3; kernel [1,1] sums neighbours.
        ArrayData x = ArrayData.of(new float[] {1, 2, 3}, 1, 1, 3);
        ArrayData w = ArrayData.of(new float[] {1, 1}, 1, 1, 2);
        ConvGeneralDilated c = new ConvGeneralDilated(Ints.of(1), Ints.of(0), Ints.of(0), Ints.of(2), Ints.of(1), 1, 1);
        TestData.assertExact(ArrayData.of(new float[] {1, 2, 2, 3}, 1, 1, 4), TestData.run(c, x, w), "transposed-style conv");
    }

    @Test
    void cifarSizedConvRunsAndMatchesSampledOutputs() {
        Random rnd = new Random(45);
        ArrayData x = TestData.random(rnd, DType.F32, 8, 3, 32, 32);
        ArrayData w = TestData.random(rnd, DType.F32, 32, 3, 3, 3);
        ConvGeneralDilated c = ConvGeneralDilated.simple(Ints.of(1, 1), Ints.of(1, 1));
        ArrayData y = TestData.run(c, x, w);
        assertEquals(TensorType.of(DType.F32, 8, 32, 32, 32), y.type());
        for (int s = 0; s < 50; s++) {
            int n = rnd.nextInt(8), o = rnd.nextInt(32), oy = rnd.nextInt(32), ox = rnd.nextInt(32);
            double sum = 0;
            for (int i = 0; i < 3; i++) {
                for (int ky = 0; ky < 3; ky++) {
                    for (int kx = 0; kx < 3; kx++) {
                        int iy = oy + ky - 1, ix = ox + kx - 1;
                        if (iy >= 0 && iy < 32 && ix >= 0 && ix < 32) {
                            sum += at(x, n, i, iy, ix) * at(w, o, i, ky, kx);
                        }
                    }
                }
            }
            assertEquals((float) sum, at(y, n, o, oy, ox), 1e-5, "output [" + n + "," + o + "," + oy + "," + ox + "]");
        }
    }
}
