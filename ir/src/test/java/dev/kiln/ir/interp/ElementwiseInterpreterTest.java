package dev.kiln.ir.interp;

import static dev.kiln.ir.interp.TestData.assertExact;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArrayCompare;
import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.Literal;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.Compare;
import dev.kiln.ir.prim.CompareOp;
import dev.kiln.ir.prim.Convert;
import dev.kiln.ir.prim.Select;
import dev.kiln.ir.prim.Unary;
import dev.kiln.ir.prim.UnaryOp;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ElementwiseInterpreterTest {

    /** Naive scalar definitions, written independently of the interpreter's. */
    private static double reference(UnaryOp op, double x) {
        return switch (op) {
            case NEG -> -x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case LOG1P -> Math.log(1 + x);
            case EXPM1 -> Math.exp(x) - 1;
            case TANH -> (Math.exp(2 * x) - 1) / (Math.exp(2 * x) + 1);
            case LOGISTIC -> 1 / (1 + Math.exp(-x));
            case SQRT -> Math.sqrt(x);
            case RSQRT -> 1 / Math.sqrt(x);
            case ABS -> x < 0 ? -x : x;
            case SIGN -> x > 0 ? 1 : x < 0 ? -1 : x;
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case FLOOR -> Math.floor(x);
            case CEIL -> Math.ceil(x);
            case ROUND -> new BigDecimal(x).setScale(0, RoundingMode.HALF_UP).doubleValue();
            case STOP_GRADIENT -> x;
            case NOT -> throw new AssertionError();
        };
    }

    @Test
    void floatUnaryOpsMatchNaiveDefinitionsInF32AndF64() {
        Random rnd = new Random(1);
        for (UnaryOp op : UnaryOp.values()) {
            if (op == UnaryOp.NOT) {
                continue;
            }
            for (DType dt : TestData.FLOATS) {
                ArrayData x = TestData.random(rnd, dt, 5, 7);
                if (op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT || op == UnaryOp.LOG1P) {
                    x = TestData.fromFunction(dt, new int[] {5, 7}, i -> 0.01 + 3 * rnd.nextDouble());
                }
                if (op == UnaryOp.ROUND) {
                    // Include exact halves, where rounding modes differ.
                    x = TestData.fromFunction(dt, new int[] {5, 7}, i -> (rnd.nextInt(41) - 20) * 0.25);
                }
                ArrayData finalX = x;
                ArrayData expected = TestData.fromFunction(dt, new int[] {5, 7},
                        i -> reference(op, TestData.at(finalX, i)));
                ArrayData actual = TestData.run(new Unary(op), x);
                double tol = dt == DType.F32 ? 1e-7 : 1e-14;
                ArrayCompare.assertClose(expected, actual, tol, tol, op + " " + dt);
                assertEquals(x.type(), actual.type());
            }
        }
    }

    @Test
    void f32UnaryIsTheRoundedDoubleResult() {
        ArrayData x = ArrayData.of(new float[] {0.1f, 1.7f, -3.3f, 12.25f}, 4);
        ArrayData y = TestData.run(new Unary(UnaryOp.EXP), x);
        for (int i = 0; i < 4; i++) {
            assertEquals((float) Math.exp(x.floatStorage()[i]), y.floatStorage()[i]);
        }
    }

    @Test
    void roundIsHalfAwayFromZero() {
        double[] in = {2.5, -2.5, 0.5, -0.5, 1.5, 1.4999999, 0.49999999999999994, -0.2, -0.0, 3.0,
                Double.NaN, Double.POSITIVE_INFINITY, 4503599627370497.0};
        double[] out = {3, -3, 1, -1, 2, 1, 0, -0.0, -0.0, 3, Double.NaN, Double.POSITIVE_INFINITY, 4503599627370497.0};
        assertExact(ArrayData.of(out, out.length), TestData.run(new Unary(UnaryOp.ROUND), ArrayData.of(in, in.length)), "round");
    }

    @Test
    void signKeepsSignedZeroAndNaN() {
        double[] in = {-3, 0.0, -0.0, 7e-300, Double.NaN, Double.NEGATIVE_INFINITY};
        double[] out = {-1, 0.0, -0.0, 1, Double.NaN, -1};
        assertExact(ArrayData.of(out, out.length), TestData.run(new Unary(UnaryOp.SIGN), ArrayData.of(in, in.length)), "sign");
    }

    @Test
    void logisticIsStableAtLargeMagnitudes() {
        ArrayData y = TestData.run(new Unary(UnaryOp.LOGISTIC), ArrayData.of(new double[] {-800, -50, 0, 50, 800}, 5));
        double[] v = y.doubleStorage();
        assertEquals(0.0, v[0]);
        assertEquals(Math.exp(-50), v[1], Math.exp(-50) * 1e-14);
        assertEquals(0.5, v[2]);
        assertEquals(1.0, v[3]);
        assertEquals(1.0, v[4]);
    }

    @Test
    void integerUnaryOpsWrapLikeJava() {
        int[] in = {5, -7, 0, Integer.MIN_VALUE, Integer.MAX_VALUE};
        ArrayData x = ArrayData.of(in, 5);
        assertExact(ArrayData.of(new int[] {-5, 7, 0, Integer.MIN_VALUE, -Integer.MAX_VALUE}, 5),
                TestData.run(new Unary(UnaryOp.NEG), x), "neg");
        assertExact(ArrayData.of(new int[] {5, 7, 0, Integer.MIN_VALUE, Integer.MAX_VALUE}, 5),
                TestData.run(new Unary(UnaryOp.ABS), x), "abs");
        assertExact(ArrayData.of(new int[] {1, -1, 0, -1, 1}, 5), TestData.run(new Unary(UnaryOp.SIGN), x), "sign");
        assertExact(ArrayData.of(new int[] {~5, ~-7, ~0, Integer.MAX_VALUE, Integer.MIN_VALUE}, 5),
                TestData.run(new Unary(UnaryOp.NOT), x), "not");
        assertExact(x, TestData.run(new Unary(UnaryOp.STOP_GRADIENT), x), "stop_gradient");
    }

    @Test
    void boolNotAndStopGradient() {
        ArrayData x = ArrayData.of(new boolean[] {true, false, true}, 3);
        assertExact(ArrayData.of(new boolean[] {false, true, false}, 3), TestData.run(new Unary(UnaryOp.NOT), x), "not");
        assertExact(x, TestData.run(new Unary(UnaryOp.STOP_GRADIENT), x), "stop_gradient");
    }

    private static double reference(BinaryOp op, double x, double y) {
        return switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case REM -> new BigDecimal(x).remainder(new BigDecimal(y)).doubleValue(); // exact, truncated quotient
            case POW -> Math.exp(y * Math.log(x));
            case MAX -> Double.isNaN(x) || Double.isNaN(y) ? Double.NaN : x > y ? x : y;
            case MIN -> Double.isNaN(x) || Double.isNaN(y) ? Double.NaN : x < y ? x : y;
            default -> throw new AssertionError(op);
        };
    }

    @Test
    void floatBinaryOpsMatchNaiveDefinitionsInF32AndF64() {
        Random rnd = new Random(2);
        for (BinaryOp op : List.of(BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.REM, BinaryOp.POW,
                BinaryOp.MAX, BinaryOp.MIN)) {
            for (DType dt : TestData.FLOATS) {
                int[] shape = {4, 3, 2};
                ArrayData a = op == BinaryOp.POW
                        ? TestData.fromFunction(dt, shape, i -> 0.1 + 2 * rnd.nextDouble())
                        : TestData.random(rnd, dt, shape);
                ArrayData b = TestData.random(rnd, dt, shape);
                ArrayData expected = TestData.fromFunction(dt, shape,
                        i -> reference(op, TestData.at(a, i), TestData.at(b, i)));
                double tol = dt == DType.F32 ? 1e-7 : 1e-13;
                ArrayCompare.assertClose(expected, TestData.run(new Binary(op), a, b), tol, tol, op + " " + dt);
            }
        }
    }

    @Test
    void f32ArithmeticIsExactlyIeeeF32() {
        Random rnd = new Random(3);
        float[] x = new float[64], y = new float[64];
        for (int i = 0; i < 64; i++) {
            x[i] = (float) rnd.nextGaussian() * 1000;
            y[i] = (float) rnd.nextGaussian();
        }
        ArrayData a = ArrayData.of(x, 64), b = ArrayData.of(y, 64);
        float[] sum = TestData.run(new Binary(BinaryOp.ADD), a, b).floatStorage();
        float[] quot = TestData.run(new Binary(BinaryOp.DIV), a, b).floatStorage();
        float[] prod = TestData.run(new Binary(BinaryOp.MUL), a, b).floatStorage();
        for (int i = 0; i < 64; i++) {
            assertEquals(x[i] + y[i], sum[i]);
            assertEquals(x[i] / y[i], quot[i]);
            assertEquals(x[i] * y[i], prod[i]);
        }
    }

    @Test
    void maxAndMinPropagateNaNAndOrderSignedZeros() {
        ArrayData a = ArrayData.of(new double[] {Double.NaN, 1, -0.0, 0.0, Double.NEGATIVE_INFINITY}, 5);
        ArrayData b = ArrayData.of(new double[] {1, Double.NaN, 0.0, -0.0, -5}, 5);
        assertExact(ArrayData.of(new double[] {Double.NaN, Double.NaN, 0.0, 0.0, -5}, 5),
                TestData.run(new Binary(BinaryOp.MAX), a, b), "max");
        assertExact(ArrayData.of(new double[] {Double.NaN, Double.NaN, -0.0, -0.0, Double.NEGATIVE_INFINITY}, 5),
                TestData.run(new Binary(BinaryOp.MIN), a, b), "min");
    }

    @Test
    void floatRemainderHasTheSignOfTheDividend() {
        ArrayData a = ArrayData.of(new float[] {5.5f, -5.5f, 5.5f, -5.5f, 1f}, 5);
        ArrayData b = ArrayData.of(new float[] {2f, 2f, -2f, -2f, 0f}, 5);
        assertExact(ArrayData.of(new float[] {1.5f, -1.5f, 1.5f, -1.5f, Float.NaN}, 5),
                TestData.run(new Binary(BinaryOp.REM), a, b), "rem");
    }

    @Test
    void integerArithmeticWrapsAndTruncates() {
        Random rnd = new Random(4);
        int n = 200;
        int[] x = new int[n], y = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = i < 4 ? new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE, -7, 7}[i] : rnd.nextInt();
            y[i] = i < 4 ? new int[] {-1, 2, 2, -2}[i] : rnd.nextInt(2001) - 1000;
        }
        y[10] = 0;
        ArrayData a = ArrayData.of(x, n), b = ArrayData.of(y, n);
        for (BinaryOp op : List.of(BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.REM, BinaryOp.MAX,
                BinaryOp.MIN, BinaryOp.AND, BinaryOp.OR, BinaryOp.XOR)) {
            int[] out = TestData.run(new Binary(op), a, b).intStorage();
            for (int i = 0; i < n; i++) {
                long xl = x[i], yl = y[i];
                long expected = switch (op) {
                    case ADD -> xl + yl;
                    case SUB -> xl - yl;
                    case MUL -> xl * yl;
                    // Truncating division on exact longs; by zero: XLA's -1 and the dividend.
                    case DIV -> yl == 0 ? -1 : xl / yl;
                    case REM -> yl == 0 ? xl : xl - yl * (xl / yl);
                    case MAX -> Math.max(xl, yl);
                    case MIN -> Math.min(xl, yl);
                    case AND -> xl & yl;
                    case OR -> xl | yl;
                    case XOR -> xl ^ yl;
                    default -> throw new AssertionError();
                };
                assertEquals((int) expected, out[i], op + " " + x[i] + ", " + y[i]);
            }
        }
    }

    @Test
    void shiftsTakeTheAmountModulo32() {
        int v = 0x80000011;
        int[] amounts = {0, 1, 4, 31, 32, 33, -1};
        ArrayData a = ArrayData.of(new int[] {v, v, v, v, v, v, v}, 7), b = ArrayData.of(amounts, 7);
        int[] shl = TestData.run(new Binary(BinaryOp.SHIFT_LEFT), a, b).intStorage();
        int[] shrl = TestData.run(new Binary(BinaryOp.SHIFT_RIGHT_LOGICAL), a, b).intStorage();
        int[] shra = TestData.run(new Binary(BinaryOp.SHIFT_RIGHT_ARITHMETIC), a, b).intStorage();
        for (int i = 0; i < 7; i++) {
            int s = Math.floorMod(amounts[i], 32);
            long unsigned = v & 0xFFFFFFFFL;
            assertEquals((int) (unsigned << s), shl[i], "shl " + amounts[i]);
            assertEquals((int) (unsigned >> s), shrl[i], "shr_logical " + amounts[i]);
            assertEquals((int) ((long) v >> s), shra[i], "shr_arithmetic " + amounts[i]);
        }
    }

    @Test
    void boolLogicalOps() {
        ArrayData a = ArrayData.of(new boolean[] {false, false, true, true}, 4);
        ArrayData b = ArrayData.of(new boolean[] {false, true, false, true}, 4);
        assertExact(ArrayData.of(new boolean[] {false, false, false, true}, 4), TestData.run(new Binary(BinaryOp.AND), a, b), "and");
        assertExact(ArrayData.of(new boolean[] {false, true, true, true}, 4), TestData.run(new Binary(BinaryOp.OR), a, b), "or");
        assertExact(ArrayData.of(new boolean[] {false, true, true, false}, 4), TestData.run(new Binary(BinaryOp.XOR), a, b), "xor");
    }

    @Test
    void comparisonsFollowIeeeAndIntegerOrder() {
        double nan = Double.NaN;
        double[] x = {1, 2, 3, nan, nan, -0.0};
        double[] y = {2, 2, 2, 1, nan, 0.0};
        for (CompareOp op : CompareOp.values()) {
            for (DType dt : new DType[] {DType.F32, DType.F64, DType.I32}) {
                int n = dt == DType.I32 ? 3 : 6;
                ArrayData a = TestData.fromFunction(dt, new int[] {n}, i -> x[i[0]]);
                ArrayData b = TestData.fromFunction(dt, new int[] {n}, i -> y[i[0]]);
                boolean[] out = TestData.run(new Compare(op), a, b).boolStorage();
                for (int i = 0; i < n; i++) {
                    boolean expected = switch (op) {
                        case EQ -> x[i] == y[i];
                        case NE -> !(x[i] == y[i]);
                        case LT -> x[i] < y[i];
                        case LE -> x[i] <= y[i];
                        case GT -> x[i] > y[i];
                        case GE -> x[i] >= y[i];
                    };
                    assertEquals(expected, out[i], op + " " + dt + " " + x[i] + " " + y[i]);
                }
            }
        }
        ArrayData t = ArrayData.of(new boolean[] {true, false}, 2), f = ArrayData.of(new boolean[] {false, false}, 2);
        assertExact(ArrayData.of(new boolean[] {true, false}, 2), TestData.run(new Compare(CompareOp.GT), t, f), "bool gt");
    }

    @Test
    void selectPicksPerElementAndBroadcastsScalars() {
        Random rnd = new Random(5);
        for (DType dt : DType.values()) {
            ArrayData p = TestData.random(rnd, DType.BOOL, 3, 4);
            ArrayData a = TestData.random(rnd, dt, 3, 4), b = TestData.random(rnd, dt, 3, 4);
            ArrayData expected = TestData.fromFunction(dt, new int[] {3, 4},
                    i -> TestData.at(p, i) != 0 ? TestData.at(a, i) : TestData.at(b, i));
            assertExact(expected, TestData.run(new Select(), p, a, b), "select " + dt);
        }
        ArrayData p = ArrayData.of(new boolean[] {true, false, true}, 3);
        ArrayData x = ArrayData.of(new float[] {1, 2, 3}, 3);
        ArrayData y = TestData.runWith(new Select(), List.of(p, x), v -> List.of(v.get(0), v.get(1), Literal.of(-1, DType.F32)));
        assertExact(ArrayData.of(new float[] {1, -1, 3}, 3), y, "select with literal");
        ArrayData scalarPred = ArrayData.scalar(0, DType.BOOL);
        ArrayData z = TestData.run(new Select(), scalarPred, x, ArrayData.of(new float[] {7, 8, 9}, 3));
        assertExact(ArrayData.of(new float[] {7, 8, 9}, 3), z, "select with scalar predicate");
    }

    @Test
    void convertTruncatesSaturatesAndTestsNonZero() {
        double[] in = {2.7, -2.7, 1e10, -1e10, Double.NaN, 0.0, -0.0, 0.5};
        ArrayData x = ArrayData.of(in, in.length);
        assertExact(ArrayData.of(new int[] {2, -2, Integer.MAX_VALUE, Integer.MIN_VALUE, 0, 0, 0, 0}, 8),
                TestData.run(new Convert(DType.I32), x), "f64 -> i32");
        assertExact(ArrayData.of(new boolean[] {true, true, true, true, true, false, false, true}, 8),
                TestData.run(new Convert(DType.BOOL), x), "f64 -> bool");
        assertExact(ArrayData.of(new float[] {2.7f, -2.7f, 1e10f, -1e10f, Float.NaN, 0f, -0f, 0.5f}, 8),
                TestData.run(new Convert(DType.F32), x), "f64 -> f32");
        ArrayData ints = ArrayData.of(new int[] {16777217, -3, 0}, 3);
        assertExact(ArrayData.of(new float[] {16777216f, -3f, 0f}, 3), TestData.run(new Convert(DType.F32), ints), "i32 -> f32");
        assertExact(ArrayData.of(new boolean[] {true, true, false}, 3), TestData.run(new Convert(DType.BOOL), ints), "i32 -> bool");
        ArrayData bools = ArrayData.of(new boolean[] {true, false}, 2);
        assertExact(ArrayData.of(new double[] {1, 0}, 2), TestData.run(new Convert(DType.F64), bools), "bool -> f64");
        assertExact(ArrayData.of(new int[] {1, 0}, 2), TestData.run(new Convert(DType.I32), bools), "bool -> i32");
        ArrayData f = ArrayData.of(new float[] {3.99f, -3e9f}, 2);
        assertExact(ArrayData.of(new int[] {3, Integer.MIN_VALUE}, 2), TestData.run(new Convert(DType.I32), f), "f32 -> i32");
    }

    @Test
    void rankZeroOperandsBroadcastOnEitherSide() {
        ArrayData s = ArrayData.scalar(10, DType.F32);
        ArrayData x = ArrayData.of(new float[] {1, 2, 3, 4}, 2, 2);
        assertExact(ArrayData.of(new float[] {9, 8, 7, 6}, 2, 2), TestData.run(new Binary(BinaryOp.SUB), s, x), "scalar - x");
        assertExact(ArrayData.of(new float[] {-9, -8, -7, -6}, 2, 2), TestData.run(new Binary(BinaryOp.SUB), x, s), "x - scalar");
        ArrayData both = TestData.run(new Binary(BinaryOp.MUL), s, ArrayData.scalar(3, DType.F32));
        assertEquals(TensorType.scalar(DType.F32), both.type());
        assertEquals(30f, both.floatStorage()[0]);
        ArrayData lit = TestData.runWith(new Binary(BinaryOp.POW), List.of(x), v -> List.of(v.get(0), Literal.of(2, DType.F32)));
        assertExact(ArrayData.of(new float[] {1, 4, 9, 16}, 2, 2), lit, "x ** 2.0");
    }

    @Test
    void emptyArraysGiveEmptyResults() {
        ArrayData e = ArrayData.zeros(TensorType.of(DType.F32, 0, 3));
        ArrayData y = TestData.run(new Binary(BinaryOp.ADD), e, ArrayData.scalar(1, DType.F32));
        assertEquals(TensorType.of(DType.F32, 0, 3), y.type());
        assertEquals(TensorType.of(DType.BOOL, 0, 3), TestData.run(new Compare(CompareOp.LT), e, e).type());
        assertEquals(0, TestData.run(new Unary(UnaryOp.EXP), e).size());
    }

    @Test
    void operandsAreNotModifiedAndResultsAreFresh() {
        ArrayData x = ArrayData.of(new double[] {1, 2, 3}, 3);
        ArrayData copy = x.copy();
        ArrayData y = Interpreter.evaluate(new Unary(UnaryOp.STOP_GRADIENT), List.of(x));
        y.doubleStorage()[0] = 42;
        assertExact(copy, x, "operand after stop_gradient");
    }

    @Test
    void evaluateRejectsOperandsThatBreakTheShapeRule() {
        ArrayData a = ArrayData.of(new float[] {1, 2}, 2), b = ArrayData.of(new float[] {1, 2, 3}, 3);
        KilnException e = assertThrows(KilnException.class,
                () -> Interpreter.evaluate(new Binary(BinaryOp.ADD), List.of(a, b)));
        assertTrue(e.getMessage().contains("f32[2]") && e.getMessage().contains("f32[3]"), e.getMessage());
    }
}
