package dev.kiln.ir;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * An immutable list of ints with value equality: the static parameters of primitives (axes,
 * strides, paddings, permutations) are {@code Ints}, so primitive records compare, hash and print
 * by value.
 */
public final class Ints {
    private static final Ints EMPTY = new Ints(new int[0]);
    private final int[] values;

    private Ints(int[] values) {
        this.values = values;
    }

    public static Ints of(int... values) {
        return values.length == 0 ? EMPTY : new Ints(values.clone());
    }

    public static Ints empty() {
        return EMPTY;
    }

    /** {@code [0, 1, ..., n-1]}. */
    public static Ints range(int n) {
        return range(0, n);
    }

    /** {@code [from, ..., to-1]}. */
    public static Ints range(int from, int to) {
        return new Ints(IntStream.range(from, to).toArray());
    }

    /** {@code n} copies of {@code value}. */
    public static Ints filled(int n, int value) {
        int[] v = new int[n];
        Arrays.fill(v, value);
        return new Ints(v);
    }

    public int get(int i) {
        return values[i];
    }

    public int size() {
        return values.length;
    }

    public boolean isEmpty() {
        return values.length == 0;
    }

    public boolean contains(int v) {
        for (int x : values) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    public int indexOf(int v) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == v) {
                return i;
            }
        }
        return -1;
    }

    public int[] toArray() {
        return values.clone();
    }

    public IntStream stream() {
        return Arrays.stream(values);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ints other && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    /** {@code [1,2,3]}, the form used in IR text. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(values[i]);
        }
        return sb.append(']').toString();
    }
}
