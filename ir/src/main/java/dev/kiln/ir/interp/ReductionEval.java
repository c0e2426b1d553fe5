package dev.kiln.ir.interp;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import java.util.Arrays;

/**
 * Evaluation of reduce_sum, reduce_max and argmax. Floating-point sums accumulate in double in
 * row-major order of the operand and round once to the result dtype; i32 sums wrap modulo 2^32.
 * The max of an empty set is -inf (i32: {@link Integer#MIN_VALUE}); max propagates NaN.
 */
final class ReductionEval {
    private ReductionEval() {
    }

    static ArrayData reduceSum(Ints axes, ArrayData x, TensorType out) {
        int[] target = targets(axes, x.shape());
        if (x.dtype().isFloating()) {
            double[] v = Buffers.doubles(x);
            double[] acc = new double[out.numel()];
            for (int i = 0; i < v.length; i++) {
                acc[target[i]] += v[i];
            }
            return Buffers.fromDoubles(out, acc);
        }
        int[] v = Buffers.ints(x);
        int[] acc = new int[out.numel()];
        for (int i = 0; i < v.length; i++) {
            acc[target[i]] += v[i];
        }
        return ArrayData.wrap(out, acc);
    }

    static ArrayData reduceMax(Ints axes, ArrayData x, TensorType out) {
        int[] target = targets(axes, x.shape());
        if (x.dtype().isFloating()) {
            double[] v = Buffers.doubles(x);
            double[] acc = new double[out.numel()];
            Arrays.fill(acc, Double.NEGATIVE_INFINITY);
            for (int i = 0; i < v.length; i++) {
                acc[target[i]] = Math.max(acc[target[i]], v[i]);
            }
            return Buffers.fromDoubles(out, acc);
        }
        int[] v = Buffers.ints(x);
        int[] acc = new int[out.numel()];
        Arrays.fill(acc, Integer.MIN_VALUE);
        for (int i = 0; i < v.length; i++) {
            acc[target[i]] = Math.max(acc[target[i]], v[i]);
        }
        return ArrayData.wrap(out, acc);
    }

    /** For each operand element, the flat index of the result element it reduces into. */
    private static int[] targets(Ints axes, Shape in) {
        int[] strides = new int[in.rank()];
        int stride = 1;
        for (int d = in.rank() - 1; d >= 0; d--) {
            if (!axes.contains(d)) {
                strides[d] = stride;
                stride *= in.dim(d);
            }
        }
        return IndexMaps.affine(in, 0, strides);
    }

    /**
     * The index of the first maximum along {@code axis}. As in JAX, NaN counts as larger than every
     * number, so the first NaN wins; -0.0 and 0.0 tie.
     */
    static ArrayData argmax(int axis, ArrayData x, TensorType out) {
        Shape s = x.shape();
        int outer = IndexMaps.product(s, 0, axis);
        int n = s.dim(axis);
        int inner = IndexMaps.product(s, axis + 1, s.rank());
        double[] v = Buffers.doubles(x);
        int[] result = new int[out.numel()];
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = o * n * inner + in;
                int best = 0;
                double bestValue = v[base];
                for (int k = 1; k < n && !Double.isNaN(bestValue); k++) {
                    double c = v[base + k * inner];
                    if (c > bestValue || Double.isNaN(c)) {
                        best = k;
                        bestValue = c;
                    }
                }
                result[o * inner + in] = best;
            }
        }
        return ArrayData.wrap(out, result);
    }
}
