package dev.kiln.ir.interp;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.CompareOp;
import dev.kiln.ir.prim.UnaryOp;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.IntBinaryOperator;
import java.util.function.IntUnaryOperator;

/**
 * Evaluation of the elementwise primitives: unary, binary, compare, select and convert. Each
 * picks one scalar function per operation and dtype, then applies it over flat views of the
 * operands, rank-0 operands being broadcast to the result's size.
 *
 * <p>Choices where the IR's records are silent, all following XLA: {@code round} rounds half away
 * from zero ({@code round(-2.5) = -3}, unlike {@link Math#round}); {@code sign} keeps the sign of
 * zero and propagates NaN; integer division by zero gives -1 and the remainder of a division by
 * zero is the dividend; {@code max}/{@code min} propagate NaN and order -0.0 below 0.0 (as
 * {@link Math#max}).
 */
final class ElementwiseEval {
    private ElementwiseEval() {
    }

    // ---- unary ----

    static ArrayData unary(UnaryOp op, ArrayData x, TensorType out) {
        int n = out.numel();
        return switch (x.dtype()) {
            case F32, F64 -> Buffers.fromDoubles(out, map(Buffers.doubles(x, n), floatUnary(op)));
            case I32 -> ArrayData.wrap(out, map(Buffers.ints(x, n), intUnary(op)));
            case BOOL -> {
                boolean[] v = Buffers.bools(x, n);
                boolean[] r = new boolean[n];
                boolean flip = op == UnaryOp.NOT; // the only other op allowed on bool is stop_gradient
                for (int i = 0; i < n; i++) {
                    r[i] = v[i] ^ flip;
                }
                yield ArrayData.wrap(out, r);
            }
        };
    }

    private static DoubleUnaryOperator floatUnary(UnaryOp op) {
        return switch (op) {
            case NEG -> v -> -v;
            case EXP -> Math::exp;
            case LOG -> Math::log;
            case LOG1P -> Math::log1p;
            case EXPM1 -> Math::expm1;
            case TANH -> Math::tanh;
            case LOGISTIC -> ElementwiseEval::logistic;
            case SQRT -> Math::sqrt;
            case RSQRT -> v -> 1.0 / Math.sqrt(v);
            case ABS -> Math::abs;
            case SIGN -> Math::signum;
            case SIN -> Math::sin;
            case COS -> Math::cos;
            case FLOOR -> Math::floor;
            case CEIL -> Math::ceil;
            case ROUND -> ElementwiseEval::roundHalfAwayFromZero;
            case STOP_GRADIENT -> v -> v;
            case NOT -> throw new IllegalStateException("not on a floating-point operand passed the shape rule");
        };
    }

    private static IntUnaryOperator intUnary(UnaryOp op) {
        return switch (op) {
            case NEG -> v -> -v;
            case ABS -> Math::abs;
            case SIGN -> Integer::signum;
            case NOT -> v -> ~v;
            case STOP_GRADIENT -> v -> v;
            default -> throw new IllegalStateException(op.textName() + " on i32 passed the shape rule");
        };
    }

    /** 1 / (1 + e^-x), in the form that neither overflows nor loses the tiny values of large |x|. */
    static double logistic(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    /** XLA's round: to nearest, halves away from zero; keeps -0.0, NaN and infinities. */
    static double roundHalfAwayFromZero(double x) {
        double a = Math.abs(x);
        double t = Math.floor(a);
        // a - floor(a) is exact in double, so this never misrounds 0.49999999999999994 up.
        if (a - t >= 0.5) {
            t += 1;
        }
        return Math.copySign(t, x);
    }

    // ---- binary ----

    static ArrayData binary(BinaryOp op, ArrayData a, ArrayData b, TensorType out) {
        int n = out.numel();
        return switch (a.dtype()) {
            case F32, F64 -> Buffers.fromDoubles(out, zip(Buffers.doubles(a, n), Buffers.doubles(b, n), floatBinary(op)));
            case I32 -> ArrayData.wrap(out, zip(Buffers.ints(a, n), Buffers.ints(b, n), intBinary(op)));
            case BOOL -> {
                // Booleans as 0/1 ints: and, or and xor keep them 0/1.
                int[] r = zip(Buffers.ints(a, n), Buffers.ints(b, n), intBinary(op));
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) {
                    v[i] = r[i] != 0;
                }
                yield ArrayData.wrap(out, v);
            }
        };
    }

    private static DoubleBinaryOperator floatBinary(BinaryOp op) {
        return switch (op) {
            case ADD -> Double::sum;
            case SUB -> (x, y) -> x - y;
            case MUL -> (x, y) -> x * y;
            case DIV -> (x, y) -> x / y;
            case REM -> (x, y) -> x % y; // C fmod: the sign of the dividend, as XLA's rem
            case POW -> Math::pow;
            case MAX -> Math::max;
            case MIN -> Math::min;
            default -> throw new IllegalStateException(op.textName() + " on floats passed the shape rule");
        };
    }

    private static IntBinaryOperator intBinary(BinaryOp op) {
        return switch (op) {
            case ADD -> Integer::sum;
            case SUB -> (x, y) -> x - y;
            case MUL -> (x, y) -> x * y;
            case DIV -> (x, y) -> y == 0 ? -1 : x / y;
            case REM -> (x, y) -> y == 0 ? x : x % y;
            case MAX -> Math::max;
            case MIN -> Math::min;
            case AND -> (x, y) -> x & y;
            case OR -> (x, y) -> x | y;
            case XOR -> (x, y) -> x ^ y;
            // Java shifts take the amount modulo 32, which is the IR's definition.
            case SHIFT_LEFT -> (x, y) -> x << y;
            case SHIFT_RIGHT_LOGICAL -> (x, y) -> x >>> y;
            case SHIFT_RIGHT_ARITHMETIC -> (x, y) -> x >> y;
            case POW -> throw new IllegalStateException("pow on i32 passed the shape rule");
        };
    }

    // ---- compare and select ----

    static ArrayData compare(CompareOp op, ArrayData a, ArrayData b, TensorType out) {
        int n = out.numel();
        // Every i32 and bool (0 < 1) value is exact in double, so one double comparison serves all dtypes.
        double[] x = Buffers.doubles(a, n), y = Buffers.doubles(b, n);
        Relation rel = relation(op);
        boolean[] r = new boolean[n];
        for (int i = 0; i < n; i++) {
            r[i] = rel.test(x[i], y[i]);
        }
        return ArrayData.wrap(out, r);
    }

    private interface Relation {
        boolean test(double x, double y);
    }

    /** IEEE comparison: every comparison with NaN is false except {@code ne}. */
    private static Relation relation(CompareOp op) {
        return switch (op) {
            case EQ -> (x, y) -> x == y;
            case NE -> (x, y) -> x != y;
            case LT -> (x, y) -> x < y;
            case LE -> (x, y) -> x <= y;
            case GT -> (x, y) -> x > y;
            case GE -> (x, y) -> x >= y;
        };
    }

    static ArrayData select(ArrayData pred, ArrayData onTrue, ArrayData onFalse, TensorType out) {
        int n = out.numel();
        boolean[] p = Buffers.bools(pred, n);
        int[] map = new int[n];
        // Select is a gather from the concatenation [onTrue ; onFalse], each broadcast to n elements.
        for (int i = 0; i < n; i++) {
            map[i] = p[i] ? i : n + i;
        }
        return Buffers.gather(concat(onTrue, onFalse, n), map, out);
    }

    private static ArrayData concat(ArrayData a, ArrayData b, int n) {
        TensorType t = TensorType.of(a.dtype(), 2 * n);
        return switch (a.dtype()) {
            case F32, F64 -> Buffers.fromDoubles(t, join(Buffers.doubles(a, n), Buffers.doubles(b, n)));
            case I32 -> ArrayData.wrap(t, join(Buffers.ints(a, n), Buffers.ints(b, n)));
            case BOOL -> {
                boolean[] r = new boolean[2 * n];
                System.arraycopy(Buffers.bools(a, n), 0, r, 0, n);
                System.arraycopy(Buffers.bools(b, n), 0, r, n, n);
                yield ArrayData.wrap(t, r);
            }
        };
    }

    // ---- convert ----

    /** Float to i32 truncates toward zero and saturates (NaN gives 0), as a Java cast; to bool is {@code != 0}. */
    static ArrayData convert(ArrayData x, TensorType out) {
        int n = out.numel();
        if (out.dtype() == DType.I32) {
            if (!x.dtype().isFloating()) {
                return ArrayData.wrap(out, Buffers.ints(x, n).clone());
            }
            double[] v = Buffers.doubles(x, n);
            int[] r = new int[n];
            for (int i = 0; i < n; i++) {
                r[i] = (int) v[i];
            }
            return ArrayData.wrap(out, r);
        }
        // Every f32, i32 and bool value is exact in double, so one conversion through double is exact
        // up to the final rounding to the target type.
        return Buffers.fromDoubles(out, Buffers.doubles(x, n).clone());
    }

    // ---- loops ----

    private static double[] map(double[] x, DoubleUnaryOperator f) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = f.applyAsDouble(x[i]);
        }
        return r;
    }

    private static int[] map(int[] x, IntUnaryOperator f) {
        int[] r = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = f.applyAsInt(x[i]);
        }
        return r;
    }

    private static double[] zip(double[] x, double[] y, DoubleBinaryOperator f) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = f.applyAsDouble(x[i], y[i]);
        }
        return r;
    }

    private static int[] zip(int[] x, int[] y, IntBinaryOperator f) {
        int[] r = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = f.applyAsInt(x[i], y[i]);
        }
        return r;
    }

    private static double[] join(double[] a, double[] b) {
        double[] r = new double[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static int[] join(int[] a, int[] b) {
        int[] r = new int[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
