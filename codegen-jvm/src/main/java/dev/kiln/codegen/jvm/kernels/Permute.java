package dev.kiln.codegen.jvm.kernels;

/**
 * Strided copies: gathers a tensor viewed through arbitrary element strides into a dense
 * row-major block (a transpose or any permutation, when the strides are those of another dim
 * order). Used to bring operands into the layout a library kernel wants.
 */
final class Permute {
    private Permute() {
    }

    /** Row-major strides of a dense array of {@code dims}. */
    static int[] rowMajorStrides(int[] dims) {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    /** The strides of {@code src}'s dims in the order {@code perm} (so a copy permutes the axes). */
    static int[] permutedStrides(int[] dims, int[] perm) {
        int[] s = rowMajorStrides(dims), out = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            out[i] = s[perm[i]];
        }
        return out;
    }

    static int[] permutedDims(int[] dims, int[] perm) {
        int[] out = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            out[i] = dims[perm[i]];
        }
        return out;
    }

    /** Writes element {@code idx} (row-major over {@code sizes}) of the strided source to {@code dst[d + idx]}. */
    static void copy(float[] src, int so, int[] sizes, int[] strides, float[] dst, int d) {
        int r = sizes.length, total = numel(sizes);
        if (total == 0) {
            return;
        }
        if (r == 0) {
            dst[d] = src[so];
            return;
        }
        int inner = sizes[r - 1], innerStride = strides[r - 1];
        int[] idx = new int[r];
        for (int done = 0; done < total; done += inner) {
            int s = so;
            for (int i = 0; i < r - 1; i++) {
                s += idx[i] * strides[i];
            }
            if (innerStride == 1) {
                System.arraycopy(src, s, dst, d + done, inner);
            } else {
                for (int j = 0; j < inner; j++) {
                    dst[d + done + j] = src[s + j * innerStride];
                }
            }
            advance(idx, sizes, r - 2);
        }
    }

    static void copy(double[] src, int so, int[] sizes, int[] strides, double[] dst, int d) {
        int r = sizes.length, total = numel(sizes);
        if (total == 0) {
            return;
        }
        if (r == 0) {
            dst[d] = src[so];
            return;
        }
        int inner = sizes[r - 1], innerStride = strides[r - 1];
        int[] idx = new int[r];
        for (int done = 0; done < total; done += inner) {
            int s = so;
            for (int i = 0; i < r - 1; i++) {
                s += idx[i] * strides[i];
            }
            for (int j = 0; j < inner; j++) {
                dst[d + done + j] = src[s + j * innerStride];
            }
            advance(idx, sizes, r - 2);
        }
    }

    static void copy(int[] src, int so, int[] sizes, int[] strides, int[] dst, int d) {
        int r = sizes.length, total = numel(sizes);
        if (total == 0) {
            return;
        }
        if (r == 0) {
            dst[d] = src[so];
            return;
        }
        int inner = sizes[r - 1], innerStride = strides[r - 1];
        int[] idx = new int[r];
        for (int done = 0; done < total; done += inner) {
            int s = so;
            for (int i = 0; i < r - 1; i++) {
                s += idx[i] * strides[i];
            }
            for (int j = 0; j < inner; j++) {
                dst[d + done + j] = src[s + j * innerStride];
            }
            advance(idx, sizes, r - 2);
        }
    }

    /** Increments the odometer {@code idx} at positions {@code [0, last]}. */
    private static void advance(int[] idx, int[] sizes, int last) {
        for (int i = last; i >= 0; i--) {
            if (++idx[i] < sizes[i]) {
                return;
            }
            idx[i] = 0;
        }
    }

    static int numel(int[] sizes) {
        long n = 1;
        for (int s : sizes) {
            n *= s;
        }
        return (int) n;
    }
}
