package dev.kiln.ir.interp;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.TensorType;

/**
 * Typed views of operands and typed constructors of results, so that each evaluation rule
 * dispatches on the dtype once and then loops over a plain Java array.
 *
 * <p>Floating-point values are computed on {@code double[]} views and rounded once to f32 when
 * the result is f32. For +, -, *, / and sqrt that single rounding gives exactly the f32 IEEE
 * result (a double holds more than twice the bits of a float, so double rounding is innocuous);
 * for transcendental functions it gives the correctly rounded f32 of Java's double function,
 * which is what a reference should be.
 */
final class Buffers {
    private Buffers() {
    }

    /**
     * The elements of {@code a} as {@code n} doubles; a rank-0 {@code a} is repeated {@code n}
     * times (the broadcast of scalar operands). An f64 array's storage is returned without a
     * copy: callers must not write to the view.
     */
    static double[] doubles(ArrayData a, int n) {
        if (a.size() == 1 && n != 1 && a.shape().rank() == 0) {
            double[] out = new double[n];
            java.util.Arrays.fill(out, a.getDouble(0));
            return out;
        }
        return switch (a.storage()) {
            case double[] d -> d;
            case float[] f -> {
                double[] out = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    out[i] = f[i];
                }
                yield out;
            }
            case int[] v -> {
                double[] out = new double[v.length];
                for (int i = 0; i < v.length; i++) {
                    out[i] = v[i];
                }
                yield out;
            }
            case boolean[] v -> {
                double[] out = new double[v.length];
                for (int i = 0; i < v.length; i++) {
                    out[i] = v[i] ? 1 : 0;
                }
                yield out;
            }
            default -> throw new IllegalStateException("unknown storage " + a.storage().getClass());
        };
    }

    static double[] doubles(ArrayData a) {
        return doubles(a, a.size());
    }

    /** The elements of an i32 (or bool, as 0/1) array as {@code n} ints, broadcasting a rank-0 one; shared, read-only. */
    static int[] ints(ArrayData a, int n) {
        if (a.size() == 1 && n != 1 && a.shape().rank() == 0) {
            int[] out = new int[n];
            java.util.Arrays.fill(out, a.getInt(0));
            return out;
        }
        return switch (a.storage()) {
            case int[] v -> v;
            case boolean[] v -> {
                int[] out = new int[v.length];
                for (int i = 0; i < v.length; i++) {
                    out[i] = v[i] ? 1 : 0;
                }
                yield out;
            }
            default -> throw new IllegalStateException(a.dtype() + " has no int view");
        };
    }

    static int[] ints(ArrayData a) {
        return ints(a, a.size());
    }

    /** The elements of a bool array as {@code n} booleans, broadcasting a rank-0 one; shared, read-only. */
    static boolean[] bools(ArrayData a, int n) {
        boolean[] b = a.boolStorage();
        if (b.length == 1 && n != 1 && a.shape().rank() == 0) {
            boolean[] out = new boolean[n];
            java.util.Arrays.fill(out, b[0]);
            return out;
        }
        return b;
    }

    /**
     * An array of {@code type} from values computed in double: f32 rounds to nearest; i32 takes an
     * integral value modulo 2^32 (what int arithmetic would have produced, exact while the values
     * stay below 2^53 in magnitude) and saturates infinities, so the -inf identity of an empty max
     * becomes {@link Integer#MIN_VALUE}; bool is {@code != 0}.
     */
    static ArrayData fromDoubles(TensorType type, double[] v) {
        return switch (type.dtype()) {
            case F64 -> ArrayData.wrap(type, v);
            case F32 -> {
                float[] out = new float[v.length];
                for (int i = 0; i < v.length; i++) {
                    out[i] = (float) v[i];
                }
                yield ArrayData.wrap(type, out);
            }
            case I32 -> {
                int[] out = new int[v.length];
                for (int i = 0; i < v.length; i++) {
                    out[i] = wrapToInt(v[i]);
                }
                yield ArrayData.wrap(type, out);
            }
            case BOOL -> {
                boolean[] out = new boolean[v.length];
                for (int i = 0; i < v.length; i++) {
                    out[i] = v[i] != 0;
                }
                yield ArrayData.wrap(type, out);
            }
        };
    }

    private static int wrapToInt(double v) {
        return Math.abs(v) < 0x1p63 ? (int) (long) v : (int) v;
    }

    /**
     * A new array of {@code type} whose element {@code j} is {@code src}'s element {@code map[j]},
     * or {@code fill} where {@code map[j] < 0}. Every data-movement primitive is one such map.
     */
    static ArrayData gather(ArrayData src, int[] map, TensorType type, double fill) {
        int n = map.length;
        return switch (src.storage()) {
            case float[] s -> {
                float[] out = new float[n];
                float f = (float) fill;
                for (int j = 0; j < n; j++) {
                    out[j] = map[j] < 0 ? f : s[map[j]];
                }
                yield ArrayData.wrap(type, out);
            }
            case double[] s -> {
                double[] out = new double[n];
                for (int j = 0; j < n; j++) {
                    out[j] = map[j] < 0 ? fill : s[map[j]];
                }
                yield ArrayData.wrap(type, out);
            }
            case int[] s -> {
                int[] out = new int[n];
                int f = (int) fill;
                for (int j = 0; j < n; j++) {
                    out[j] = map[j] < 0 ? f : s[map[j]];
                }
                yield ArrayData.wrap(type, out);
            }
            case boolean[] s -> {
                boolean[] out = new boolean[n];
                boolean f = fill != 0;
                for (int j = 0; j < n; j++) {
                    out[j] = map[j] < 0 ? f : s[map[j]];
                }
                yield ArrayData.wrap(type, out);
            }
            default -> throw new IllegalStateException("unknown storage " + src.storage().getClass());
        };
    }

    /** {@code gather} without fill: every {@code map[j]} must be a valid index. */
    static ArrayData gather(ArrayData src, int[] map, TensorType type) {
        return gather(src, map, type, 0);
    }

    /** {@code out[j] = x[map[j]]} on doubles. */
    static double[] permute(double[] x, int[] map) {
        double[] out = new double[map.length];
        for (int j = 0; j < map.length; j++) {
            out[j] = x[map[j]];
        }
        return out;
    }

    /** {@code out[j] = x[map[j]]} on ints. */
    static int[] permute(int[] x, int[] map) {
        int[] out = new int[map.length];
        for (int j = 0; j < map.length; j++) {
            out[j] = x[map[j]];
        }
        return out;
    }
}
