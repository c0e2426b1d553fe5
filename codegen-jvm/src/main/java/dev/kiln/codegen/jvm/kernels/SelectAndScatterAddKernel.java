package dev.kiln.codegen.jvm.kernels;

import dev.kiln.ir.DType;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.SelectAndScatterAdd;
import dev.kiln.ir.prim.ShapeRules;
import java.util.Arrays;
import java.util.List;

/**
 * {@code select_and_scatter_add}, the gradient of max pooling: for each window of the operand,
 * the source value of that window is added at the window's maximum. The scan runs over the
 * window's real (non-padding) elements in row-major order and keeps the first maximum (XLA's
 * rule with JAX's {@code ge} selector: a later element replaces the selection only when
 * {@code !(selected >= element)}); padding is never selected, and a window made only of padding
 * scatters nothing (as in the reference interpreter).
 *
 * <p>Pooling over the last two dims (NCHW) runs plane by plane in parallel (windows of
 * different planes never write the same element); any other window runs a serial generic loop.
 */
public final class SelectAndScatterAddKernel {
    private final WindowGeometry g;
    private final TensorType outType;
    private final DType dtype;

    private SelectAndScatterAddKernel(WindowGeometry g, TensorType outType) {
        this.g = g;
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
        Arrays.fill(out, oo, oo + outType.numel(), 0f);
        if (g.planar()) {
            int in = g.h() * g.w(), os = g.oh() * g.ow();
            Parallel.parallelFor(g.planes(), Parallel.grainFor((long) os * g.wh() * g.ww() + 1), (lane, from, to) -> {
                for (int pl = from; pl < to; pl++) {
                    for (int q = 0; q < os; q++) {
                        int at = selectPlanar(pl * in, q / g.ow(), q % g.ow(), i -> x[xo + i]);
                        if (at >= 0) {
                            out[oo + at] += src[so + pl * os + q];
                        }
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

    /** The selected operand index of window (oy, ox) of the plane at {@code base}, or -1 if all padding. */
    private int selectPlanar(int base, int oy, int ox, Reader x) {
        int y0 = oy * g.sh() - g.ph(), x0 = ox * g.sw() - g.pw();
        int dyLo = Math.max(0, -y0), dyHi = Math.min(g.wh(), g.h() - y0);
        int dxLo = Math.max(0, -x0), dxHi = Math.min(g.ww(), g.w() - x0);
        int best = -1;
        double bestValue = 0;
        for (int dy = dyLo; dy < dyHi; dy++) {
            int row = base + (y0 + dy) * g.w() + x0;
            for (int dx = dxLo; dx < dxHi; dx++) {
                double v = x.get(row + dx);
                if (best < 0 || !(bestValue >= v)) {
                    bestValue = v;
                    best = row + dx;
                }
            }
        }
        return best;
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
