package dev.kiln.ir.interp;

import static dev.kiln.ir.interp.TestData.assertExact;
import static dev.kiln.ir.interp.TestData.at;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Ints;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.ReduceWindow;
import dev.kiln.ir.prim.SelectAndScatterAdd;
import dev.kiln.ir.prim.WindowKind;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WindowInterpreterTest {

    private record Geometry(int[] window, int[] strides, int[] lo, int[] hi, int[] out) {
        Ints w() {
            return Ints.of(window);
        }
    }

    private static Geometry randomGeometry(Random rnd, int[] shape) {
        int r = shape.length;
        int[] window = new int[r], strides = new int[r], lo = new int[r], hi = new int[r], out = new int[r];
        for (int d = 0; d < r; d++) {
            window[d] = 1 + rnd.nextInt(3);
            strides[d] = 1 + rnd.nextInt(3);
            lo[d] = rnd.nextInt(3);
            hi[d] = rnd.nextInt(3);
            int padded = shape[d] + lo[d] + hi[d];
            out[d] = padded < window[d] ? 0 : (padded - window[d]) / strides[d] + 1;
        }
        return new Geometry(window, strides, lo, hi, out);
    }

    /** Whether padded coordinate {@code p} (per dimension) is a real operand element, and which. */
    private static int[] unpad(int[] p, Geometry g, int[] shape) {
        int[] idx = new int[p.length];
        for (int d = 0; d < p.length; d++) {
            idx[d] = p[d] - g.lo()[d];
            if (idx[d] < 0 || idx[d] >= shape[d]) {
                return null;
            }
        }
        return idx;
    }

    /** Max or sum over each window of the operand padded with the identity, by coordinates. */
    private static ArrayData naiveReduceWindow(ArrayData x, Geometry g, boolean max) {
        int[] shape = x.shape().toArray();
        int windowCount = TensorType.of(DType.F64, g.window()).numel();
        return TestData.fromFunction(x.dtype(), g.out(), o -> {
            double acc = max ? Double.NEGATIVE_INFINITY : 0;
            for (int t = 0; t < windowCount; t++) {
                int[] tap = TestData.unflat(t, g.window());
                int[] p = new int[o.length];
                for (int d = 0; d < o.length; d++) {
                    p[d] = o[d] * g.strides()[d] + tap[d];
                }
                int[] idx = unpad(p, g, shape);
                double v = idx == null ? (max ? Double.NEGATIVE_INFINITY : 0) : at(x, idx);
                acc = max ? Math.max(acc, v) : acc + v;
            }
            return acc;
        });
    }

    @Test
    void reduceWindowMatchesNaiveWithPaddingAndStrides() {
        Random rnd = new Random(50);
        for (int c = 0; c < 80; c++) {
            DType dt = new DType[] {DType.F32, DType.F64, DType.I32}[c % 3];
            int[] shape = TestData.randomShape(rnd, 1 + rnd.nextInt(4), 5);
            Geometry g = randomGeometry(rnd, shape);
            ArrayData x = TestData.random(rnd, dt, shape);
            for (WindowKind kind : WindowKind.values()) {
                ReduceWindow p = new ReduceWindow(kind, g.w(), Ints.of(g.strides()), Ints.of(g.lo()), Ints.of(g.hi()));
                ArrayData expected = naiveReduceWindow(x, g, kind == WindowKind.MAX);
                TestData.assertClose(expected, TestData.run(p, x), p + " of " + x.type());
            }
        }
    }

    @Test
    void maxPool2dMatchesExplicitLoops() {
        Random rnd = new Random(51);
        ArrayData x = TestData.random(rnd, DType.F32, 2, 3, 7, 6);
        // MNIST CNN's pool: window 2, stride 1, no padding, over the spatial dimensions only.
        ReduceWindow p = new ReduceWindow(WindowKind.MAX, Ints.of(1, 1, 2, 2), Ints.of(1, 1, 1, 1), Ints.filled(4, 0), Ints.filled(4, 0));
        ArrayData y = TestData.run(p, x);
        assertEquals(TensorType.of(DType.F32, 2, 3, 6, 5), y.type());
        for (int n = 0; n < 2; n++) {
            for (int ch = 0; ch < 3; ch++) {
                for (int oy = 0; oy < 6; oy++) {
                    for (int ox = 0; ox < 5; ox++) {
                        double m = Double.NEGATIVE_INFINITY;
                        for (int ky = 0; ky < 2; ky++) {
                            for (int kx = 0; kx < 2; kx++) {
                                m = Math.max(m, at(x, n, ch, oy + ky, ox + kx));
                            }
                        }
                        assertEquals(m, at(y, n, ch, oy, ox));
                    }
                }
            }
        }
    }

    /** Adds each source value at the first maximum (row-major window order) among the real operand elements of its window. */
    private static ArrayData naiveSelectAndScatter(ArrayData source, ArrayData x, Geometry g) {
        int[] shape = x.shape().toArray();
        int windowCount = TensorType.of(DType.F64, g.window()).numel();
        double[] acc = new double[x.size()];
        for (int j = 0; j < source.size(); j++) {
            int[] o = TestData.unflat(j, g.out());
            int[] best = null;
            for (int t = 0; t < windowCount; t++) {
                int[] tap = TestData.unflat(t, g.window());
                int[] p = new int[o.length];
                for (int d = 0; d < o.length; d++) {
                    p[d] = o[d] * g.strides()[d] + tap[d];
                }
                int[] idx = unpad(p, g, shape);
                if (idx != null && (best == null || at(x, idx) > at(x, best))) {
                    best = idx;
                }
            }
            if (best != null) {
                acc[TestData.flat(best, shape)] += source.getDouble(j);
            }
        }
        return TestData.fromFunction(x.dtype(), shape, i -> acc[TestData.flat(i, shape)]);
    }

    @Test
    void selectAndScatterAddMatchesNaiveWithTiesAndPadding() {
        Random rnd = new Random(52);
        for (int c = 0; c < 80; c++) {
            DType dt = TestData.FLOATS[c % 2];
            int[] shape = TestData.randomShape(rnd, 1 + rnd.nextInt(4), 5);
            Geometry g = randomGeometry(rnd, shape);
            ArrayData x = TestData.randomLevels(rnd, dt, 3, shape); // many ties
            ArrayData source = TestData.random(rnd, dt, g.out());
            SelectAndScatterAdd p = new SelectAndScatterAdd(g.w(), Ints.of(g.strides()), Ints.of(g.lo()), Ints.of(g.hi()));
            TestData.assertClose(naiveSelectAndScatter(source, x, g), TestData.run(p, source, x), p + " of " + x.type());
        }
    }

    @Test
    void paddingIsNeverSelectedEvenWhenTheOperandIsMinusInfinity() {
        // Window 3 over [-inf, -inf] padded by 1 on each side: the first real element wins.
        ArrayData x = ArrayData.of(new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY}, 2);
        ArrayData source = ArrayData.of(new double[] {5, 7}, 2);
        SelectAndScatterAdd p = new SelectAndScatterAdd(Ints.of(3), Ints.of(1), Ints.of(1), Ints.of(1));
        assertExact(ArrayData.of(new double[] {12, 0}, 2), TestData.run(p, source, x), "padding not selected");
    }

    @Test
    void windowsMadeOnlyOfPaddingScatterNothingAndPoolToTheIdentity() {
        ArrayData x = ArrayData.of(new float[] {3, 1}, 2);
        Ints w = Ints.of(2), s = Ints.of(2), lo = Ints.of(2), hi = Ints.of(0);
        assertExact(ArrayData.of(new float[] {Float.NEGATIVE_INFINITY, 3}, 2),
                TestData.run(new ReduceWindow(WindowKind.MAX, w, s, lo, hi), x), "max pool");
        assertExact(ArrayData.of(new float[] {0, 4}, 2), TestData.run(new ReduceWindow(WindowKind.SUM, w, s, lo, hi), x), "sum pool");
        ArrayData source = ArrayData.of(new float[] {10, 20}, 2);
        assertExact(ArrayData.of(new float[] {20, 0}, 2),
                TestData.run(new SelectAndScatterAdd(w, s, lo, hi), source, x), "scatter");
    }

    @Test
    void overlappingWindowsAccumulateTheirSources() {
        // Window 2 stride 1 over [1, 5, 2]: both windows pick the 5.
        ArrayData x = ArrayData.of(new float[] {1, 5, 2}, 3);
        ArrayData source = ArrayData.of(new float[] {0.25f, 0.5f}, 2);
        SelectAndScatterAdd p = new SelectAndScatterAdd(Ints.of(2), Ints.of(1), Ints.of(0), Ints.of(0));
        assertExact(ArrayData.of(new float[] {0, 0.75f, 0}, 3), TestData.run(p, source, x), "overlap");
    }
}
