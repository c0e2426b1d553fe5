package dev.kiln.codegen.jvm.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.ir.DType;
import dev.kiln.ir.Ints;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.ReduceWindow;
import dev.kiln.ir.prim.SelectAndScatterAdd;
import dev.kiln.ir.prim.ShapeRules;
import dev.kiln.ir.prim.WindowKind;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class WindowKernelsTest {

    record Window(int[] dims, Ints window, Ints strides, Ints lo, Ints hi) {
        static Window random(Random rnd, boolean planar) {
            int r = rnd.nextInt(5);
            int[] dims = new int[r], win = new int[r], str = new int[r], lo = new int[r], hi = new int[r];
            for (int d = 0; d < r; d++) {
                boolean pooled = !planar || d >= r - 2;
                dims[d] = 1 + rnd.nextInt(pooled ? 9 : 3);
                win[d] = pooled ? 1 + rnd.nextInt(3) : 1;
                str[d] = pooled ? 1 + rnd.nextInt(3) : 1;
                lo[d] = pooled ? rnd.nextInt(3) : 0;
                hi[d] = pooled ? rnd.nextInt(3) : 0;
            }
            return new Window(dims, Ints.of(win), Ints.of(str), Ints.of(lo), Ints.of(hi));
        }

        /** A wide row, so the vector interior of the planar path is exercised. */
        static Window wide(int stride) {
            return new Window(new int[] {2, 3, 7, 45}, Ints.of(1, 1, 2, 3), Ints.of(1, 1, stride, stride),
                    Ints.of(0, 0, 1, 1), Ints.of(0, 0, 1, 2));
        }

        int[] out() {
            ReduceWindow p = new ReduceWindow(WindowKind.MAX, window, strides, lo, hi);
            return ShapeRules.infer(p, List.of(TensorType.of(DType.F32, dims))).shape().toArray();
        }

        /** Operand index read by window position k of output o, or -1 in padding (definition). */
        int read(int o, int k) {
            int r = dims.length;
            int[] oi = Im2col.unravel(o, out()), ki = Im2col.unravel(k, window.toArray());
            int idx = 0;
            for (int d = 0; d < r; d++) {
                int pos = oi[d] * strides.get(d) + ki[d] - lo.get(d);
                if (pos < 0 || pos >= dims[d]) {
                    return -1;
                }
                idx = idx * dims[d] + pos;
            }
            return idx;
        }
    }

    static double[] naivePool(Window w, double[] x, boolean max) {
        int n = Permute.numel(w.out()), k = Permute.numel(w.window().toArray());
        double[] out = new double[n];
        for (int o = 0; o < n; o++) {
            double acc = max ? Double.NEGATIVE_INFINITY : 0;
            for (int j = 0; j < k; j++) {
                int i = w.read(o, j);
                double v = i < 0 ? (max ? Double.NEGATIVE_INFINITY : 0) : x[i];
                acc = max ? Math.max(acc, v) : acc + v;
            }
            out[o] = acc;
        }
        return out;
    }

    static double[] naiveSelectAndScatter(Window w, double[] src, double[] x) {
        int n = Permute.numel(w.out()), k = Permute.numel(w.window().toArray());
        double[] out = new double[x.length];
        for (int o = 0; o < n; o++) {
            int sel = -1;
            double best = 0;
            for (int j = 0; j < k; j++) {
                int i = w.read(o, j);
                if (i >= 0 && (sel < 0 || x[i] > best)) { // padding never selected; first maximum wins ties
                    best = x[i];
                    sel = i;
                }
            }
            if (sel >= 0) {
                out[sel] += src[o];
            }
        }
        return out;
    }

    static void checkPool(Window w, boolean max, long seed) {
        Random rnd = new Random(seed);
        TensorType t = TensorType.of(DType.F32, w.dims());
        ReduceWindow p = new ReduceWindow(max ? WindowKind.MAX : WindowKind.SUM, w.window(), w.strides(), w.lo(), w.hi());
        int n = t.numel();
        float[] x = new float[n + 2];
        double[] xd = new double[n];
        int[] xi = new int[n];
        for (int i = 0; i < n; i++) {
            xi[i] = rnd.nextInt(7) - 3; // small integers: ties, and exact sums in every dtype
            x[i + 2] = xi[i];
            xd[i] = xi[i];
        }
        double[] expect = naivePool(w, xd, max);
        ReduceWindowKernel k32 = ReduceWindowKernel.prepare(p, t);
        float[] out = new float[expect.length + 1];
        k32.run(x, 2, out, 1);
        ReduceWindowKernel k64 = ReduceWindowKernel.prepare(p, t.withDType(DType.F64));
        double[] out64 = new double[expect.length];
        k64.run(xd, 0, out64, 0);
        ReduceWindowKernel ki = ReduceWindowKernel.prepare(p, t.withDType(DType.I32));
        int[] outI = new int[expect.length];
        ki.run(xi, 0, outI, 0);
        for (int o = 0; o < expect.length; o++) {
            assertEquals(expect[o], out[o + 1], 0.0, "f32 " + o);
            assertEquals(expect[o], out64[o], 0.0, "f64 " + o);
            double asInt = max && expect[o] == Double.NEGATIVE_INFINITY ? Integer.MIN_VALUE : expect[o];
            assertEquals(asInt, outI[o], 0.0, "i32 " + o);
        }
    }

    static void checkSelectAndScatter(Window w, long seed) {
        Random rnd = new Random(seed);
        int[] od = w.out();
        TensorType operand = TensorType.of(DType.F32, w.dims()), source = TensorType.of(DType.F32, od);
        SelectAndScatterAdd p = new SelectAndScatterAdd(w.window(), w.strides(), w.lo(), w.hi());
        double[] x = new double[operand.numel()], src = new double[source.numel()];
        float[] xf = new float[x.length], sf = new float[src.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextInt(4); // many ties
            xf[i] = (float) x[i];
        }
        for (int i = 0; i < src.length; i++) {
            src[i] = rnd.nextInt(9) - 4;
            sf[i] = (float) src[i];
        }
        double[] expect = naiveSelectAndScatter(w, src, x);
        float[] out = new float[x.length];
        java.util.Arrays.fill(out, Float.NaN);
        SelectAndScatterAddKernel.prepare(p, source, operand).run(sf, 0, xf, 0, out, 0);
        double[] out64 = new double[x.length];
        SelectAndScatterAddKernel.prepare(p, source.withDType(DType.F64), operand.withDType(DType.F64))
                .run(src, 0, x, 0, out64, 0);
        for (int i = 0; i < x.length; i++) {
            assertEquals(expect[i], out[i], 0.0, "f32 " + i);
            assertEquals(expect[i], out64[i], 0.0, "f64 " + i);
        }
    }

    @Property(tries = 300)
    void poolingMatchesDefinition(@ForAll long seed, @ForAll boolean planar, @ForAll boolean max) {
        Window w = Window.random(new Random(seed), planar);
        checkPool(w, max, seed);
    }

    @Property(tries = 300)
    void selectAndScatterAddMatchesDefinitionWithTies(@ForAll long seed, @ForAll boolean planar) {
        Window w = Window.random(new Random(seed), planar);
        checkSelectAndScatter(w, seed);
    }

    @Test
    void wideRowsTakeTheVectorPathAndMatchDefinition() {
        for (int stride = 1; stride <= 2; stride++) {
            checkPool(Window.wide(stride), true, stride);
            checkPool(Window.wide(stride), false, stride);
            checkSelectAndScatter(Window.wide(stride), stride);
        }
    }

    @Test
    void wideUnpaddedTwoByTwoWindowsTakeTheVectorPathAndMatchDefinition() {
        // the max pooling of the MNIST CNN (2x2, stride 1; rows shorter and longer than a vector), and a vertical
        // stride; 200 planes, so the flat sweep takes several chunks of planes and a partial last one
        int[][] planes = {{14, 14}, {5, 5}, {9, 41}};
        for (int[] hw : planes) {
            for (int sh = 1; sh <= 2; sh++) {
                Window w = new Window(new int[] {5, 40, hw[0], hw[1]}, Ints.of(1, 1, 2, 2), Ints.of(1, 1, sh, 1),
                        Ints.of(0, 0, 0, 0), Ints.of(0, 0, 0, 0));
                checkSelectAndScatter(w, sh + hw[1]);
                checkPool(w, true, sh + hw[1]);
                checkPool(w, false, sh + hw[1]);
            }
        }
    }

    @Test
    void flatTwoByTwoGradientSumsLikeTheScalarLoopBitForBit() {
        // the same plane as [1, 14, 14, 1] pooled on the middle dims takes the generic serial loop
        Random rnd = new Random(11);
        float[] x = new float[14 * 14], src = new float[13 * 13];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextInt(3) == 0 ? 0.5f : rnd.nextFloat(); // ties, so elements collect several windows
        }
        for (int i = 0; i < src.length; i++) {
            src[i] = rnd.nextFloat() * 2 - 1;
        }
        SelectAndScatterAdd flat = new SelectAndScatterAdd(Ints.of(1, 1, 2, 2), Ints.of(1, 1, 1, 1),
                Ints.of(0, 0, 0, 0), Ints.of(0, 0, 0, 0));
        SelectAndScatterAdd generic = new SelectAndScatterAdd(Ints.of(1, 2, 2, 1), Ints.of(1, 1, 1, 1),
                Ints.of(0, 0, 0, 0), Ints.of(0, 0, 0, 0));
        float[] a = new float[x.length], b = new float[x.length];
        SelectAndScatterAddKernel.prepare(flat, TensorType.of(DType.F32, 1, 1, 13, 13), TensorType.of(DType.F32, 1, 1, 14, 14))
                .run(src, 0, x, 0, a, 0);
        SelectAndScatterAddKernel.prepare(generic, TensorType.of(DType.F32, 1, 13, 13, 1), TensorType.of(DType.F32, 1, 14, 14, 1))
                .run(src, 0, x, 0, b, 0);
        assertArrayEquals(b, a);
    }

    @Test
    void tiesSelectTheFirstMaximumInWindowOrder() {
        // one 2x2 window over [[5, 5], [5, 1]]: the first 5 (top-left) receives the gradient
        SelectAndScatterAdd p = new SelectAndScatterAdd(Ints.of(2, 2), Ints.of(1, 1), Ints.of(0, 0), Ints.of(0, 0));
        float[] out = new float[4];
        SelectAndScatterAddKernel.prepare(p, TensorType.of(DType.F32, 1, 1), TensorType.of(DType.F32, 2, 2))
                .run(new float[] {7}, 0, new float[] {5, 5, 5, 1}, 0, out, 0);
        assertArrayEquals(new float[] {7, 0, 0, 0}, out);
    }

    @Test
    void maxPoolingPropagatesNaNLikeMathMax() {
        ReduceWindow p = new ReduceWindow(WindowKind.MAX, Ints.of(1, 2), Ints.of(1, 1), Ints.of(0, 0), Ints.of(0, 0));
        float[] x = new float[40];
        x[20] = Float.NaN;
        float[] out = new float[39];
        ReduceWindowKernel.prepare(p, TensorType.of(DType.F32, 1, 40)).run(x, 0, out, 0);
        assertEquals(Float.NaN, out[19]);
        assertEquals(Float.NaN, out[20]);
        assertEquals(0f, out[21]);
    }
}
