package dev.kiln.codegen.jvm.kernels;

import dev.kiln.ir.DType;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.SelectAndScatterAdd;
import dev.kiln.ir.prim.ShapeRules;
import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code select_and_scatter_add}, the gradient of max pooling: for each window of the operand,
 * the source value of that window is added at the window's maximum. The scan runs over the
 * window's real (non-padding) elements in row-major order and keeps the first maximum (XLA's
 * rule with JAX's {@code ge} selector: a later element replaces the selection only when
 * {@code !(selected >= element)}); padding is never selected, and a window made only of padding
 * scatters nothing (as in the reference interpreter).
 *
 * <p>Pooling over the last two dims (NCHW) runs plane by plane in parallel (windows of
 * different planes never write the same element), vectorised for 2x2 windows with stride 1; any
 * other window runs a serial generic loop.
 */
public final class SelectAndScatterAddKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Elements of operand swept flat at once (a few planes, small enough for L1 with their buffers). */
    static final int FLAT_CHUNK = 2048;

    private final WindowGeometry g;
    private final int[] dxLo;
    private final int[] dxHi;
    private final TensorType outType;
    private final DType dtype;

    private SelectAndScatterAddKernel(WindowGeometry g, TensorType outType) {
        this.g = g;
        int[][] ranges = g.rowRanges();
        this.dxLo = ranges[0];
        this.dxHi = ranges[1];
        this.outType = outType;
        this.dtype = outType.dtype();
    }

    /** Plans the primitive on {@code (source, operand)} of these types. */
    public static SelectAndScatterAddKernel prepare(SelectAndScatterAdd p, TensorType source, TensorType operand) {
        TensorType out = ShapeRules.infer(p, List.of(source, operand));
        WindowGeometry g = WindowGeometry.of(operand.shape().toArray(), p.windowDims(), p.strides(), p.padLow(),
                source.shape().toArray());
        return new SelectAndScatterAddKernel(g, out);
    }

    public TensorType outType() {
        return outType;
    }

    public void run(float[] src, int so, float[] x, int xo, float[] out, int oo) {
        expect(DType.F32);
        boolean flat = g.inner2x2() && g.sh() == 1 && g.sw() == 1;
        if (!flat) {
            Arrays.fill(out, oo, oo + outType.numel(), 0f); // the flat sweep writes every element
        }
        if (flat) {
            // planes are swept a chunk at a time, as one tall plane: small planes (5x5) are no vector long
            int in = g.h() * g.w(), os = g.oh() * g.ow(), per = Math.max(1, FLAT_CHUNK / in);
            int chunks = (g.planes() + per - 1) / per;
            Parallel.parallelFor(chunks, Parallel.grainFor(16L * per * in), (lane, from, to) -> {
                float[] wide = new float[per * in + g.w() + 1], code = new float[per * in + g.w() + 1];
                for (int c = from; c < to; c++) {
                    int p0 = c * per, count = Math.min(per, g.planes() - p0);
                    planesFlat2x2(src, so + p0 * os, x, xo + p0 * in, out, oo + p0 * in, count, wide, code);
                }
            });
            return;
        }
        if (g.planar()) {
            int in = g.h() * g.w(), os = g.oh() * g.ow();
            Parallel.parallelFor(g.planes(), Parallel.grainFor(4L * os * g.wh() * g.ww() + 1), (lane, from, to) -> {
                float[] best = new float[g.ow()];
                int[] at = new int[g.ow()];
                for (int pl = from; pl < to; pl++) {
                    if (g.inner2x2()) {
                        plane2x2(src, so + pl * os, x, xo + pl * in, out, oo + pl * in);
                    } else {
                        planeF32(src, so + pl * os, x, xo + pl * in, out, oo + pl * in, best, at);
                    }
                }
            });
            return;
        }
        generic((o, at) -> {
            int sel = select(at, i -> x[xo + i]);
            if (sel >= 0) {
                out[oo + sel] += src[so + o];
            }
        });
    }

    public void run(double[] src, int so, double[] x, int xo, double[] out, int oo) {
        expect(DType.F64);
        Arrays.fill(out, oo, oo + outType.numel(), 0.0);
        generic((o, at) -> {
            int sel = select(at, i -> x[xo + i]);
            if (sel >= 0) {
                out[oo + sel] += src[so + o];
            }
        });
    }

    public void run(int[] src, int so, int[] x, int xo, int[] out, int oo) {
        expect(DType.I32);
        Arrays.fill(out, oo, oo + outType.numel(), 0);
        generic((o, at) -> {
            int sel = select(at, i -> x[xo + i]);
            if (sel >= 0) {
                out[oo + sel] += src[so + o];
            }
        });
    }

    private void expect(DType d) {
        if (d != dtype) {
            throw new IllegalStateException("select_and_scatter_add kernel prepared for " + dtype + " run on " + d + " arrays");
        }
    }

    /** Reads operand element {@code i} (relative to the operand's offset) as a double. */
    @FunctionalInterface
    private interface Reader {
        double get(int i);
    }

    /** A 2x2 window with no padding: the selection rule spelled out over the four elements in window order. */
    private void plane2x2(float[] src, int s, float[] x, int xi, float[] out, int oi) {
        int w = g.w(), sh = g.sh(), sw = g.sw(), ow = g.ow();
        for (int oy = 0; oy < g.oh(); oy++) {
            int r0 = oy * sh * w, r1 = r0 + w;
            for (int ox = 0; ox < ow; ox++) {
                // branch-free (conditional moves): on real data the comparisons are coin flips
                int i0 = r0 + ox * sw, i1 = i0 + 1, i2 = r1 + ox * sw, i3 = i2 + 1;
                window2x2(x, xi, i0, i1, i2, i3, out, oi, src[s + oy * ow + ox]);
            }
        }
    }

    private static void window2x2(float[] x, int xi, int i0, int i1, int i2, int i3, float[] out, int oi, float v) {
        float best = x[xi + i0], v1 = x[xi + i1], v2 = x[xi + i2], v3 = x[xi + i3];
        boolean c1 = !(best >= v1);
        int sel = c1 ? i1 : i0;
        best = c1 ? v1 : best;
        boolean c2 = !(best >= v2);
        sel = c2 ? i2 : sel;
        best = c2 ? v2 : best;
        sel = !(best >= v3) ? i3 : sel;
        out[oi + sel] += v;
    }

    /**
     * A 2x2 window with stride 1 and no padding (the MNIST CNN's max pooling), a vector at a time,
     * over {@code count} consecutive planes taken as one plane of {@code count * h} rows (a window
     * whose origin is in a plane's last rows is no window: its source is zero). Rows are shorter
     * than a vector there, so the planes are swept flat: window origin j (row-major) is real when
     * {@code j % w < ow} and its row within its plane is below {@code oh}. A first pass stores each window's
     * selection (0..3 in window order) in {@code code}; a second pass computes each element's
     * gradient from the four windows that may select it (origins e-w-1, e-w, e-1, e, in window
     * order, so the sums are those of the scalar loop, bit for bit) and stores it once: scattering
     * with overlapping vector read-modify-writes stalls on store forwarding instead. Both buffers
     * are offset by {@code w+1} so those origins never go negative; {@code wide} holds the source
     * on the plane's grid, zero at every other origin and in the margin, so windows that do not
     * exist add zero (the output starts at +0 and never holds -0, so adding +0 changes nothing).
     */
    private void planesFlat2x2(float[] src, int s, float[] x, int xi, float[] out, int oi, int count, float[] wide,
                               float[] code) {
        int w = g.w(), h = g.h(), ow = g.ow(), oh = g.oh(), p = w + 1, size = count * h * w;
        int n = (count - 1) * h * w + (oh - 1) * w + ow; // past the last real window
        for (int pl = 0; pl < count; pl++) {
            for (int oy = 0; oy < oh; oy++) {
                System.arraycopy(src, s + (pl * oh + oy) * ow, wide, p + (pl * h + oy) * w, ow);
            }
        }
        FloatVector z = FloatVector.zero(S), one = FloatVector.broadcast(S, 1f);
        FloatVector two = FloatVector.broadcast(S, 2f), three = FloatVector.broadcast(S, 3f);
        int j = 0;
        for (; j + L <= n; j += L) {
            int a = xi + j, b = a + w;
            FloatVector v0 = FloatVector.fromArray(S, x, a), v1 = FloatVector.fromArray(S, x, a + 1);
            FloatVector v2 = FloatVector.fromArray(S, x, b), v3 = FloatVector.fromArray(S, x, b + 1);
            VectorMask<Float> m1 = v0.compare(VectorOperators.GE, v1).not();
            FloatVector best = v0.blend(v1, m1);
            VectorMask<Float> m2 = best.compare(VectorOperators.GE, v2).not();
            best = best.blend(v2, m2);
            VectorMask<Float> m3 = best.compare(VectorOperators.GE, v3).not();
            z.blend(one, m1).blend(two, m2).blend(three, m3).intoArray(code, p + j);
        }
        for (; j < n; j++) {
            int a = xi + j, b = a + w;
            code[p + j] = select2x2(x[a], x[a + 1], x[b], x[b + 1]);
        }
        int e = 0;
        for (; e + L <= size; e += L) {
            int q = p + e;
            FloatVector acc = z.add(z.blend(FloatVector.fromArray(S, wide, q - w - 1),
                    FloatVector.fromArray(S, code, q - w - 1).compare(VectorOperators.EQ, three)));
            acc = acc.add(z.blend(FloatVector.fromArray(S, wide, q - w),
                    FloatVector.fromArray(S, code, q - w).compare(VectorOperators.EQ, two)));
            acc = acc.add(z.blend(FloatVector.fromArray(S, wide, q - 1),
                    FloatVector.fromArray(S, code, q - 1).compare(VectorOperators.EQ, one)));
            acc = acc.add(z.blend(FloatVector.fromArray(S, wide, q),
                    FloatVector.fromArray(S, code, q).compare(VectorOperators.EQ, z)));
            acc.intoArray(out, oi + e);
        }
        for (; e < size; e++) {
            int q = p + e;
            float acc = 0f;
            acc += code[q - w - 1] == 3f ? wide[q - w - 1] : 0f;
            acc += code[q - w] == 2f ? wide[q - w] : 0f;
            acc += code[q - 1] == 1f ? wide[q - 1] : 0f;
            acc += code[q] == 0f ? wide[q] : 0f;
            out[oi + e] = acc;
        }
    }

    /** Which of a 2x2 window's elements (window order) the scan selects: the first maximum, NaN-aware as XLA's. */
    private static float select2x2(float v0, float v1, float v2, float v3) {
        float best = v0, sel = 0f;
        if (!(best >= v1)) {
            best = v1;
            sel = 1f;
        }
        if (!(best >= v2)) {
            best = v2;
            sel = 2f;
        }
        return !(best >= v3) ? 3f : sel;
    }

    /**
     * One plane, a row of windows at a time: the selections of a whole output row are updated
     * together for each window offset in window order (long inner loops instead of 2-4 element
     * ones), then their source values added. {@code best}/{@code at} start as NaN / -1, so the
     * first real element is always taken, as the scan's first element is.
     */
    private void planeF32(float[] src, int s, float[] x, int xi, float[] out, int oi, float[] best, int[] at) {
        int w = g.w(), ww = g.ww(), sw = g.sw(), pw = g.pw(), ow = g.ow();
        for (int oy = 0; oy < g.oh(); oy++) {
            int y0 = oy * g.sh() - g.ph(), dyLo = Math.max(0, -y0), dyHi = Math.min(g.wh(), g.h() - y0);
            Arrays.fill(best, Float.NaN);
            Arrays.fill(at, -1);
            for (int dy = dyLo; dy < dyHi; dy++) {
                int irow = (y0 + dy) * w;
                for (int dx = 0; dx < ww; dx++) {
                    int lo = dxLo[dx], hi = dxHi[dx];
                    int base = irow + dx - pw;
                    for (int ox = lo; ox < hi; ox++) {
                        int i = base + ox * sw;
                        float v = x[xi + i];
                        if (!(best[ox] >= v)) {
                            best[ox] = v;
                            at[ox] = i;
                        }
                    }
                }
            }
            for (int ox = 0; ox < ow; ox++) {
                if (at[ox] >= 0) {
                    out[oi + at[ox]] += src[s + oy * ow + ox];
                }
            }
        }
    }

    /** The selected operand index among window positions {@code at} (-1 = padding, skipped), or -1. */
    private static int select(int[] at, Reader x) {
        int best = -1;
        double bestValue = 0;
        for (int i : at) {
            if (i < 0) {
                continue;
            }
            double v = x.get(i);
            if (best < 0 || !(bestValue >= v)) {
                bestValue = v;
                best = i;
            }
        }
        return best;
    }

    @FunctionalInterface
    private interface WindowBody {
        void apply(int o, int[] at);
    }

    /** Serial: windows overlap, so two outputs may add into the same element. */
    private void generic(WindowBody body) {
        int[] at = new int[g.windowSize()], work = new int[2 * g.dims().length];
        for (int o = 0; o < g.outSize(); o++) {
            g.windowIndices(o, at, work);
            body.apply(o, at);
        }
    }
}
