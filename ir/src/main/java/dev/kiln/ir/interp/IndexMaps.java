package dev.kiln.ir.interp;

import dev.kiln.ir.Shape;

/**
 * Index maps over row-major shapes: for every element of an output shape, the flat index of the
 * operand element it comes from. Layout primitives (broadcast, transpose, rev, slice, pad) are
 * all separable maps: the source index is a sum of one term per output dimension.
 */
final class IndexMaps {
    private IndexMaps() {
    }

    /**
     * For each element of {@code shape} in row-major order, {@code sum_d terms[d][i_d]}, or -1
     * where any {@code terms[d][i_d]} is negative (a position with no source element, e.g. padding).
     */
    static int[] separable(Shape shape, int[][] terms) {
        return sum(shape, terms, true);
    }

    /** For each element of {@code shape}, {@code offset + sum_d i_d * strides[d]} (strides may be 0 or negative). */
    static int[] affine(Shape shape, int offset, int[] strides) {
        int[][] terms = new int[shape.rank()][];
        for (int d = 0; d < shape.rank(); d++) {
            terms[d] = new int[shape.dim(d)];
            for (int i = 0; i < shape.dim(d); i++) {
                terms[d][i] = i * strides[d];
            }
        }
        int[] out = sum(shape, terms, false);
        for (int j = 0; j < out.length; j++) {
            out[j] += offset;
        }
        return out;
    }

    private static int[] sum(Shape shape, int[][] terms, boolean negativeMeansNone) {
        int n = shape.numel();
        int rank = shape.rank();
        int[] out = new int[n];
        int[] idx = new int[rank];
        for (int j = 0; j < n; j++) {
            int sum = 0;
            for (int d = 0; d < rank; d++) {
                int t = terms[d][idx[d]];
                if (t < 0 && negativeMeansNone) {
                    sum = -1;
                    break;
                }
                sum += t;
            }
            out[j] = sum;
            next(idx, shape);
        }
        return out;
    }

    /** Advances the multi-index {@code idx} over {@code shape} in row-major order (wrapping to zeros). */
    static void next(int[] idx, Shape shape) {
        for (int d = idx.length - 1; d >= 0; d--) {
            if (++idx[d] < shape.dim(d)) {
                return;
            }
            idx[d] = 0;
        }
    }

    /** Same as {@link #next(int[], Shape)} with the dimensions given as an array. */
    static void next(int[] idx, int[] dims) {
        for (int d = idx.length - 1; d >= 0; d--) {
            if (++idx[d] < dims[d]) {
                return;
            }
            idx[d] = 0;
        }
    }

    /** The product of {@code dims[from..to)}. */
    static int product(Shape s, int from, int to) {
        int p = 1;
        for (int d = from; d < to; d++) {
            p *= s.dim(d);
        }
        return p;
    }
}
