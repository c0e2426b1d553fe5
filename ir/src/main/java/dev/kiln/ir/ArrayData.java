package dev.kiln.ir;

import java.util.Arrays;

/**
 * A dense row-major host array: the concrete value of a tensor, an input or output of an
 * executable, a graph constant. Storage is a Java array chosen by dtype: {@code float[]} for f32,
 * {@code double[]} for f64, {@code int[]} for i32, {@code boolean[]} for bool.
 *
 * <p>The storage array is shared, not copied, by the accessors named {@code *Storage}; callers
 * that hand an {@code ArrayData} to Kiln must not mutate it afterwards.
 */
public final class ArrayData {
    private final TensorType type;
    private final Object storage;

    private ArrayData(TensorType type, Object storage) {
        this.type = type;
        this.storage = storage;
        int length = java.lang.reflect.Array.getLength(storage);
        if (length != type.numel()) {
            throw new IllegalArgumentException(
                    "array of " + length + " elements does not fit shape " + type);
        }
    }

    // ---- creation ----

    /** Wraps {@code storage} (not copied), whose Java type must match {@code dtype}. */
    public static ArrayData wrap(TensorType type, Object storage) {
        Class<?> expected = switch (type.dtype()) {
            case F32 -> float[].class;
            case F64 -> double[].class;
            case I32 -> int[].class;
            case BOOL -> boolean[].class;
        };
        if (storage.getClass() != expected) {
            throw new IllegalArgumentException(
                    type.dtype() + " data must be " + expected.getSimpleName() + ", got " + storage.getClass().getSimpleName());
        }
        return new ArrayData(type, storage);
    }

    public static ArrayData zeros(TensorType type) {
        return new ArrayData(type, allocate(type.dtype(), type.numel()));
    }

    public static ArrayData of(float[] data, int... shape) {
        return new ArrayData(TensorType.of(DType.F32, shape), data);
    }

    public static ArrayData of(double[] data, int... shape) {
        return new ArrayData(TensorType.of(DType.F64, shape), data);
    }

    public static ArrayData of(int[] data, int... shape) {
        return new ArrayData(TensorType.of(DType.I32, shape), data);
    }

    public static ArrayData of(boolean[] data, int... shape) {
        return new ArrayData(TensorType.of(DType.BOOL, shape), data);
    }

    /** A rank-0 array holding {@code value} converted to {@code dtype}. */
    public static ArrayData scalar(double value, DType dtype) {
        ArrayData a = zeros(TensorType.scalar(dtype));
        a.setDouble(0, value);
        return a;
    }

    /** An array of {@code type} with every element equal to {@code value}. */
    public static ArrayData full(TensorType type, double value) {
        ArrayData a = zeros(type);
        for (int i = 0; i < a.size(); i++) {
            a.setDouble(i, value);
        }
        return a;
    }

    static Object allocate(DType dtype, int n) {
        return switch (dtype) {
            case F32 -> new float[n];
            case F64 -> new double[n];
            case I32 -> new int[n];
            case BOOL -> new boolean[n];
        };
    }

    // ---- metadata ----

    public TensorType type() {
        return type;
    }

    public DType dtype() {
        return type.dtype();
    }

    public Shape shape() {
        return type.shape();
    }

    public int size() {
        return type.numel();
    }

    // ---- element access (dtype-generic, for interpreters and tests; not for hot loops) ----

    /** Element {@code i} (row-major flat index) as a double; booleans read as 0 or 1. */
    public double getDouble(int i) {
        return switch (storage) {
            case float[] f -> f[i];
            case double[] d -> d[i];
            case int[] n -> n[i];
            case boolean[] b -> b[i] ? 1 : 0;
            default -> throw new IllegalStateException();
        };
    }

    /** Stores {@code v} converted to this array's dtype (truncation for i32, non-zero for bool). */
    public void setDouble(int i, double v) {
        switch (storage) {
            case float[] f -> f[i] = (float) v;
            case double[] d -> d[i] = v;
            case int[] n -> n[i] = (int) v;
            case boolean[] b -> b[i] = v != 0;
            default -> throw new IllegalStateException();
        }
    }

    public int getInt(int i) {
        return switch (storage) {
            case int[] n -> n[i];
            case boolean[] b -> b[i] ? 1 : 0;
            default -> (int) getDouble(i);
        };
    }

    public void setInt(int i, int v) {
        if (storage instanceof int[] n) {
            n[i] = v;
        } else {
            setDouble(i, v);
        }
    }

    // ---- storage views (shared, not copied) ----

    public Object storage() {
        return storage;
    }

    public float[] floatStorage() {
        return (float[]) storage;
    }

    public double[] doubleStorage() {
        return (double[]) storage;
    }

    public int[] intStorage() {
        return (int[]) storage;
    }

    public boolean[] boolStorage() {
        return (boolean[]) storage;
    }

    // ---- copies and conversions ----

    public ArrayData copy() {
        return switch (storage) {
            case float[] f -> new ArrayData(type, f.clone());
            case double[] d -> new ArrayData(type, d.clone());
            case int[] n -> new ArrayData(type, n.clone());
            case boolean[] b -> new ArrayData(type, b.clone());
            default -> throw new IllegalStateException();
        };
    }

    /** The elements converted to {@code to} (float to int truncates toward zero, as Java casts). */
    public ArrayData convert(DType to) {
        if (to == dtype()) {
            return copy();
        }
        ArrayData out = zeros(type.withDType(to));
        for (int i = 0; i < size(); i++) {
            out.setDouble(i, getDouble(i));
        }
        return out;
    }

    /** The same elements under another shape of equal element count (storage shared). */
    public ArrayData reshape(Shape shape) {
        return new ArrayData(new TensorType(type.dtype(), shape), storage);
    }

    /** Every element as a double, in row-major order. */
    public double[] toDoubleArray() {
        double[] out = new double[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = getDouble(i);
        }
        return out;
    }

    /** Every element as a float, in row-major order. */
    public float[] toFloatArray() {
        float[] out = new float[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) getDouble(i);
        }
        return out;
    }

    /** Every element as an int, in row-major order. */
    public int[] toIntArray() {
        int[] out = new int[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = getInt(i);
        }
        return out;
    }

    /** Same dtype, shape and bitwise-equal elements (NaN equals NaN). */
    public boolean contentEquals(ArrayData o) {
        if (!type.equals(o.type)) {
            return false;
        }
        return switch (storage) {
            case float[] f -> Arrays.equals(f, (float[]) o.storage);
            case double[] d -> Arrays.equals(d, (double[]) o.storage);
            case int[] n -> Arrays.equals(n, (int[]) o.storage);
            case boolean[] b -> Arrays.equals(b, (boolean[]) o.storage);
            default -> false;
        };
    }

    /** A short description: type and the first few elements. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(type.toString()).append(' ').append('{');
        int n = Math.min(size(), 8);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(dtype() == DType.BOOL ? String.valueOf(getDouble(i) != 0)
                    : dtype() == DType.I32 ? String.valueOf(getInt(i)) : String.valueOf(getDouble(i)));
        }
        if (size() > n) {
            sb.append(", ...");
        }
        return sb.append('}').toString();
    }
}
