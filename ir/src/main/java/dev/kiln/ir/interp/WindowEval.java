package dev.kiln.ir.interp;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.ReduceWindow;
import dev.kiln.ir.prim.SelectAndScatterAdd;
import dev.kiln.ir.prim.WindowKind;

/**
 * Evaluation of pooling (reduce_window) and of its max gradient (select_and_scatter_add). Both
 * slide a window over every operand dimension of the operand padded by {@code padLow}/{@code padHigh}.
 * Padding holds the reduction's identity (-inf for max, 0 for sum), so it is simply skipped; it is
 * never selected by select_and_scatter_add, and a window made only of padding scatters nothing.
 * Values are computed in double and rounded once to the result dtype.
 */
final class WindowEval {
    private WindowEval() {
    }

    static ArrayData reduceWindow(ReduceWindow p, ArrayData x, TensorType out) {
        WindowTaps window = taps(x.shape(), out.shape(), p.windowDims(), p.strides(), p.padLow());
        double[] v = Buffers.doubles(x);
        double[] y = new double[out.numel()];
        int[] taps = new int[window.windowSize()], offsets = new int[window.windowSize()];
        int[] outIdx = new int[out.rank()];
        boolean max = p.kind() == WindowKind.MAX;
        for (int j = 0; j < y.length; j++, IndexMaps.next(outIdx, out.shape())) {
            int count = window.collect(outIdx, taps, offsets);
            double acc = max ? Double.NEGATIVE_INFINITY : 0;
            for (int t = 0; t < count; t++) {
                acc = max ? Math.max(acc, v[offsets[t]]) : acc + v[offsets[t]];
            }
            y[j] = acc;
        }
        return Buffers.fromDoubles(out, y);
    }

    /**
     * Adds each {@code source} element at the first maximum of its window of {@code operand}. As in
     * XLA with JAX's {@code ge} selector, the running selection is replaced by a later element
     * only when it is not {@code >=} that element; for numbers this picks the first maximum.
     */
    static ArrayData selectAndScatterAdd(SelectAndScatterAdd p, ArrayData source, ArrayData operand, TensorType out) {
        WindowTaps window = taps(operand.shape(), source.shape(), p.windowDims(), p.strides(), p.padLow());
        double[] v = Buffers.doubles(operand);
        double[] src = Buffers.doubles(source);
        double[] y = new double[out.numel()];
        int[] taps = new int[window.windowSize()], offsets = new int[window.windowSize()];
        int[] outIdx = new int[source.shape().rank()];
        for (int j = 0; j < src.length; j++, IndexMaps.next(outIdx, source.shape())) {
            int count = window.collect(outIdx, taps, offsets);
            if (count == 0) {
                continue;
            }
            int selected = offsets[0];
            for (int t = 1; t < count; t++) {
                if (!(v[selected] >= v[offsets[t]])) {
                    selected = offsets[t];
                }
            }
            y[selected] += src[j];
        }
        return Buffers.fromDoubles(out, y);
    }

    private static WindowTaps taps(Shape in, Shape out, Ints window, Ints strides, Ints padLow) {
        int r = in.rank();
        int[] ones = Ints.filled(r, 1).toArray();
        return new WindowTaps(in.toArray(), in.strides(), out.toArray(), window.toArray(), strides.toArray(),
                padLow.toArray(), ones, ones);
    }
}
