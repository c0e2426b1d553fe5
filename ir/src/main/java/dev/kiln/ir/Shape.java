package dev.kiln.ir;

import java.util.Arrays;

/** A static, row-major array shape. Rank 0 is a scalar. Immutable, with value equality. */
public final class Shape {
    private static final Shape SCALAR = new Shape(new int[0]);
    private final int[] dims;

    private Shape(int[] dims) {
        this.dims = dims;
    }

    /** A shape from its dimension sizes; every size must be non-negative. */
    public static Shape of(int... dims) {
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(dims));
            }
        }
        return dims.length == 0 ? SCALAR : new Shape(dims.clone());
    }

    public static Shape of(Ints dims) {
        return of(dims.toArray());
    }

    public static Shape scalar() {
        return SCALAR;
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int axis) {
        return dims[axis];
    }

    /** The number of elements (1 for a scalar). */
    public int numel() {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + this + " has more than 2^31-1 elements");
        }
        return (int) n;
    }

    public int[] toArray() {
        return dims.clone();
    }

    public Ints dims() {
        return Ints.of(dims);
    }

    /** Row-major element strides. */
    public int[] strides() {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    /** This shape with {@code axis} removed. */
    public Shape without(int axis) {
        int[] d = new int[dims.length - 1];
        for (int i = 0, j = 0; i < dims.length; i++) {
            if (i != axis) {
                d[j++] = dims[i];
            }
        }
        return new Shape(d);
    }

    /** This shape with a dimension of {@code size} inserted at {@code axis}. */
    public Shape with(int axis, int size) {
        int[] d = new int[dims.length + 1];
        for (int i = 0, j = 0; i < d.length; i++) {
            d[i] = i == axis ? size : dims[j++];
        }
        return Shape.of(d);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape other && Arrays.equals(dims, other.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** {@code [128,104]}, the form used in IR text. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(dims[i]);
        }
        return sb.append(']').toString();
    }
}
