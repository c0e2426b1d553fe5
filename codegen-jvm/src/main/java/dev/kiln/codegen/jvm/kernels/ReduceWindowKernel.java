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
 * <p>Pooling over the last two dims (NCHW) runs plane by plane in parallel; in f32 with
 * horizontal stride 1 (the MNIST CNN's {@code MaxPool(2, stride 1)}) the interior of each output
 * row is computed 16 outputs at a time with vector loads. Any other window runs a generic loop
 * over window positions.
 */
public final class ReduceWindowKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private final WindowGeometry g;
    private final boolean max;
    private final TensorType outType;
    private final DType dtype;

    private ReduceWindowKernel(WindowGeometry g, boolean max, TensorType outType) {
        this.g = g;
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
            Parallel.parallelFor(g.planes(), Parallel.grainFor((long) os * g.wh() * g.ww() + 1), (lane, from, to) -> {
                for (int pl = from; pl < to; pl++) {
                    planeF32(x, xo + pl * in, out, oo + pl * os);
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

    /** One {@code [h, w]} plane: vector interior when the horizontal stride is 1, scalar borders. */
    private void planeF32(float[] x, int xi, float[] out, int oi) {
        int w = g.w(), ww = g.ww(), sw = g.sw(), pw = g.pw(), ow = g.ow(), step = S.length();
        // outputs whose window lies inside the row: ox*sw - pw >= 0 and ox*sw - pw + ww <= w
        int inLo = Math.min(ow, (pw + sw - 1) / sw);
        int inHi = w - ww + pw < 0 ? inLo : Math.max(inLo, Math.min(ow, (w - ww + pw) / sw + 1));
        for (int oy = 0; oy < g.oh(); oy++) {
            int y0 = oy * g.sh() - g.ph(), dyLo = Math.max(0, -y0), dyHi = Math.min(g.wh(), g.h() - y0);
            int orow = oi + oy * ow;
            int ox = 0;
            for (; ox < inLo; ox++) {
                out[orow + ox] = windowF32(x, xi, y0, dyLo, dyHi, ox);
            }
            if (sw == 1) {
                float identity = max ? Float.NEGATIVE_INFINITY : 0f;
                for (; ox + step <= inHi; ox += step) {
                    FloatVector acc = FloatVector.broadcast(S, identity);
                    for (int dy = dyLo; dy < dyHi; dy++) {
                        int row = xi + (y0 + dy) * w + ox - pw;
                        for (int dx = 0; dx < ww; dx++) {
                            FloatVector v = FloatVector.fromArray(S, x, row + dx);
                            acc = max ? acc.max(v) : acc.add(v);
                        }
                    }
                    acc.intoArray(out, orow + ox);
                }
            }
            for (; ox < ow; ox++) {
                out[orow + ox] = windowF32(x, xi, y0, dyLo, dyHi, ox);
            }
        }
    }

    private float windowF32(float[] x, int xi, int y0, int dyLo, int dyHi, int ox) {
        int x0 = ox * g.sw() - g.pw(), dxLo = Math.max(0, -x0), dxHi = Math.min(g.ww(), g.w() - x0);
        float acc = max ? Float.NEGATIVE_INFINITY : 0f;
        for (int dy = dyLo; dy < dyHi; dy++) {
            int row = xi + (y0 + dy) * g.w() + x0;
            for (int dx = dxLo; dx < dxHi; dx++) {
                acc = max ? Math.max(acc, x[row + dx]) : acc + x[row + dx];
            }
        }
        return acc;
    }
}
