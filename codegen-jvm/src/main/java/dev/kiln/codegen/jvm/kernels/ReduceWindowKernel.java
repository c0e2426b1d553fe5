package dev.kiln.codegen.jvm.kernels;

import dev.kiln.ir.DType;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.ReduceWindow;
import dev.kiln.ir.prim.ShapeRules;
import dev.kiln.ir.prim.WindowKind;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code reduce_window} (max or sum pooling), prepared once per (primitive, operand type).
 * Padding reads the reduction's identity (-inf, or {@code Integer.MIN_VALUE} for i32 max; 0 for
 * sum), so a window entirely in padding yields it. Max follows {@link Math#max} (NaN wins).
 *
 * <p>Pooling over the last two dims (NCHW) runs plane by plane in parallel, a whole output row
 * at a time per window offset (16 outputs a vector with horizontal stride 1); the MNIST CNN's
 * {@code MaxPool(2, stride 1)} sweeps its short rows flat. Any other window runs a generic loop over window
 * positions.
 */
public final class ReduceWindowKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private final WindowGeometry g;
    private final int[] dxLo;
    private final int[] dxHi;
    private final boolean max;
    private final TensorType outType;
    private final DType dtype;

    private ReduceWindowKernel(WindowGeometry g, boolean max, TensorType outType) {
        this.g = g;
        int[][] ranges = g.rowRanges();
        this.dxLo = ranges[0];
        this.dxHi = ranges[1];
        this.max = max;
        this.outType = outType;
        this.dtype = outType.dtype();
    }

    public static ReduceWindowKernel prepare(ReduceWindow p, TensorType x) {
        TensorType out = ShapeRules.infer(p, List.of(x));
        WindowGeometry g = WindowGeometry.of(x.shape().toArray(), p.windowDims(), p.strides(), p.padLow(),
                out.shape().toArray());
        return new ReduceWindowKernel(g, p.kind() == WindowKind.MAX, out);
    }

    public TensorType outType() {
        return outType;
    }

    public void run(float[] x, int xo, float[] out, int oo) {
        expect(DType.F32);
        if (g.planar()) {
            int in = g.h() * g.w(), os = g.oh() * g.ow();
            if (g.inner2x2() && g.sh() == 1 && g.sw() == 1) {
                // planes are swept a chunk at a time, as one tall plane: small planes (5x5) are no vector long
                int per = Math.max(1, SelectAndScatterAddKernel.FLAT_CHUNK / in), chunks = (g.planes() + per - 1) / per;
                Parallel.parallelFor(chunks, Parallel.grainFor(8L * per * in), (lane, from, to) -> {
                    float[] wide = new float[per * in];
                    for (int c = from; c < to; c++) {
                        int p0 = c * per;
                        planesFlat2x2(x, xo + p0 * in, out, oo + p0 * os, Math.min(per, g.planes() - p0), wide);
                    }
                });
                return;
            }
            Parallel.parallelFor(g.planes(), Parallel.grainFor(4L * os * g.wh() * g.ww() + 1), (lane, from, to) -> {
                for (int pl = from; pl < to; pl++) {
                    if (g.inner2x2()) {
                        plane2x2(x, xo + pl * in, out, oo + pl * os);
                    } else {
                        planeF32(x, xo + pl * in, out, oo + pl * os);
                    }
                }
            });
            return;
        }
        generic((o, at) -> {
            float acc = max ? Float.NEGATIVE_INFINITY : 0f;
            for (int i : at) {
                if (i >= 0) {
                    acc = max ? Math.max(acc, x[xo + i]) : acc + x[xo + i];
                }
            }
            out[oo + o] = acc;
        });
    }

    public void run(double[] x, int xo, double[] out, int oo) {
        expect(DType.F64);
        generic((o, at) -> {
            double acc = max ? Double.NEGATIVE_INFINITY : 0.0;
            for (int i : at) {
                if (i >= 0) {
                    acc = max ? Math.max(acc, x[xo + i]) : acc + x[xo + i];
                }
            }
            out[oo + o] = acc;
        });
    }

    public void run(int[] x, int xo, int[] out, int oo) {
        expect(DType.I32);
        generic((o, at) -> {
            int acc = max ? Integer.MIN_VALUE : 0;
            for (int i : at) {
                if (i >= 0) {
                    acc = max ? Math.max(acc, x[xo + i]) : acc + x[xo + i];
                }
            }
            out[oo + o] = acc;
        });
    }

    private void expect(DType d) {
        if (d != dtype) {
            throw new IllegalStateException("reduce_window kernel prepared for " + dtype + " run on " + d + " arrays");
        }
    }

    /** What to do with output {@code o}, given the operand index (or -1) of each window position. */
    @FunctionalInterface
    private interface WindowBody {
        void apply(int o, int[] at);
    }

    private void generic(WindowBody body) {
        int n = g.outSize();
        Parallel.parallelFor(n, Parallel.grainFor(g.windowSize() * 8L + 1), (lane, from, to) -> {
            int[] at = new int[g.windowSize()], work = new int[2 * g.dims().length];
            for (int o = from; o < to; o++) {
                g.windowIndices(o, at, work);
                body.apply(o, at);
            }
        });
    }

    /** A 2x2 window with no padding: four loads per output, summed in window order. */
    private void plane2x2(float[] x, int xi, float[] out, int oi) {
        int w = g.w(), sh = g.sh(), sw = g.sw(), ow = g.ow();
        for (int oy = 0; oy < g.oh(); oy++) {
            int r0 = xi + oy * sh * w, r1 = r0 + w, o = oi + oy * ow;
            if (max) {
                for (int ox = 0; ox < ow; ox++) {
                    int i = ox * sw;
                    out[o + ox] = Math.max(Math.max(x[r0 + i], x[r0 + i + 1]), Math.max(x[r1 + i], x[r1 + i + 1]));
                }
            } else {
                for (int ox = 0; ox < ow; ox++) {
                    int i = ox * sw;
                    out[o + ox] = x[r0 + i] + x[r0 + i + 1] + x[r1 + i] + x[r1 + i + 1];
                }
            }
        }
    }

    /**
     * A 2x2 window with stride 1 and no padding (the MNIST CNN's max pooling), a vector of
     * windows at a time, over {@code count} consecutive planes taken as one plane of
     * {@code count * h} rows: rows are shorter than a vector there, so the planes are swept flat
     * (window origin j row-major, real when {@code j % w < ow} and its row within its plane is
     * below {@code oh}) into {@code wide}, whose real origins are then copied out row by row. Same
     * operations in the same order as the scalar loop.
     */
    private void planesFlat2x2(float[] x, int xi, float[] out, int oi, int count, float[] wide) {
        int w = g.w(), h = g.h(), ow = g.ow(), oh = g.oh(), j = 0;
        int n = (count - 1) * h * w + (oh - 1) * w + ow; // past the last real window
        for (; j + S.length() <= n; j += S.length()) {
            int a = xi + j, b = a + w;
            FloatVector v0 = FloatVector.fromArray(S, x, a), v1 = FloatVector.fromArray(S, x, a + 1);
            FloatVector v2 = FloatVector.fromArray(S, x, b), v3 = FloatVector.fromArray(S, x, b + 1);
            (max ? v0.max(v1).max(v2.max(v3)) : v0.add(v1).add(v2).add(v3)).intoArray(wide, j);
        }
        for (; j < n; j++) {
            int a = xi + j, b = a + w;
            wide[j] = max ? Math.max(Math.max(x[a], x[a + 1]), Math.max(x[b], x[b + 1])) : x[a] + x[a + 1] + x[b] + x[b + 1];
        }
        for (int pl = 0; pl < count; pl++) {
            for (int oy = 0; oy < oh; oy++) {
                System.arraycopy(wide, (pl * h + oy) * w, out, oi + (pl * oh + oy) * ow, ow);
            }
        }
    }

    /**
     * One {@code [h, w]} plane, loops interchanged: for each output row and each window offset
     * (dy, dx) in window order, combine the whole row of outputs with the shifted input row.
     * Inner loops run along the output row (vectors when the stride is 1) instead of over the
     * 2-4 elements of one window, which C2 compiles poorly.
     */
    private void planeF32(float[] x, int xi, float[] out, int oi) {
        int w = g.w(), ww = g.ww(), sw = g.sw(), pw = g.pw(), ow = g.ow();
        float identity = max ? Float.NEGATIVE_INFINITY : 0f;
        for (int oy = 0; oy < g.oh(); oy++) {
            int y0 = oy * g.sh() - g.ph(), dyLo = Math.max(0, -y0), dyHi = Math.min(g.wh(), g.h() - y0);
            int orow = oi + oy * ow;
            java.util.Arrays.fill(out, orow, orow + ow, identity);
            for (int dy = dyLo; dy < dyHi; dy++) {
                int irow = xi + (y0 + dy) * w;
                for (int dx = 0; dx < ww; dx++) {
                    int lo = dxLo[dx], hi = dxHi[dx];
                    combineRow(x, irow + dx - pw, sw, out, orow, lo, hi);
                }
            }
        }
    }

    /** {@code out[orow + ox] = op(out[orow + ox], x[base + ox*sw])} for ox in {@code [lo, hi)}. */
    private void combineRow(float[] x, int base, int sw, float[] out, int orow, int lo, int hi) {
        int ox = lo;
        if (sw == 1) {
            for (; ox + S.length() <= hi; ox += S.length()) {
                FloatVector v = FloatVector.fromArray(S, x, base + ox), acc = FloatVector.fromArray(S, out, orow + ox);
                (max ? acc.max(v) : acc.add(v)).intoArray(out, orow + ox);
            }
        }
        if (max) {
            for (; ox < hi; ox++) {
                out[orow + ox] = Math.max(out[orow + ox], x[base + ox * sw]);
            }
        } else {
            for (; ox < hi; ox++) {
                out[orow + ox] += x[base + ox * sw];
            }
        }
    }
}
