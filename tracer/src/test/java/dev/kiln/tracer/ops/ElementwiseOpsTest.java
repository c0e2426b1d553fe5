package dev.kiln.tracer.ops;

import static dev.kiln.tracer.TestData.assertClose;
import static dev.kiln.tracer.TestData.bool;
import static dev.kiln.tracer.TestData.f32;
import static dev.kiln.tracer.TestData.f64;
import static dev.kiln.tracer.TestData.i32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.ir.DType;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.TestData;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;

/** Every elementwise Tensor operation, eagerly, against the same computation in plain Java. */
class ElementwiseOpsTest {
    private static final float[] XS = {-2.5f, -1f, -0.25f, 0f, 0.5f, 1.5f, 3f, 7.25f};
    private static final float[] POSITIVE = {0.125f, 0.5f, 1f, 2f, 3.5f, 10f};
    private static final float[] YS = {1.5f, -2f, 0.75f, 4f, -0.5f, 2.5f, -3f, 2f};

    private record UnaryCase(String name, UnaryOperator<Tensor> op, DoubleUnaryOperator naive, float[] domain) {
    }

    private record BinaryCase(String name, BinaryOperator<Tensor> op, DoubleBinaryOperator naive) {
    }

    private static final UnaryCase[] UNARY = {
            new UnaryCase("neg", Tensor::neg, x -> -x, XS),
            new UnaryCase("exp", Tensor::exp, Math::exp, XS),
            new UnaryCase("log", Tensor::log, Math::log, POSITIVE),
            new UnaryCase("log1p", Tensor::log1p, Math::log1p, POSITIVE),
            new UnaryCase("expm1", Tensor::expm1, Math::expm1, XS),
            new UnaryCase("tanh", Tensor::tanh, Math::tanh, XS),
            new UnaryCase("sigmoid", Tensor::sigmoid, x -> 1 / (1 + Math.exp(-x)), XS),
            new UnaryCase("sqrt", Tensor::sqrt, Math::sqrt, POSITIVE),
            new UnaryCase("rsqrt", Tensor::rsqrt, x -> 1 / Math.sqrt(x), POSITIVE),
            new UnaryCase("abs", Tensor::abs, Math::abs, XS),
            new UnaryCase("sign", Tensor::sign, Math::signum, XS),
            new UnaryCase("sin", Tensor::sin, Math::sin, XS),
            new UnaryCase("cos", Tensor::cos, Math::cos, XS),
            new UnaryCase("floor", Tensor::floor, Math::floor, XS),
            new UnaryCase("ceil", Tensor::ceil, Math::ceil, XS),
            new UnaryCase("round", Tensor::round, x -> Math.signum(x) * Math.floor(Math.abs(x) + 0.5), XS),
            new UnaryCase("square", Tensor::square, x -> x * x, XS),
            new UnaryCase("reciprocal", Tensor::reciprocal, x -> 1 / x, POSITIVE),
            new UnaryCase("relu", Tensor::relu, x -> Math.max(x, 0), XS),
            new UnaryCase("stopGradient", Tensor::stopGradient, x -> x, XS),
            new UnaryCase("clip", t -> t.clip(-1, 2), x -> Math.min(Math.max(x, -1), 2), XS),
            new UnaryCase("add scalar", t -> t.add(1.5), x -> x + 1.5, XS),
            new UnaryCase("sub scalar", t -> t.sub(1.5), x -> x - 1.5, XS),
            new UnaryCase("rsub", t -> t.rsub(1.5), x -> 1.5 - x, XS),
            new UnaryCase("mul scalar", t -> t.mul(-3), x -> x * -3, XS),
            new UnaryCase("div scalar", t -> t.div(4), x -> x / 4, XS),
            new UnaryCase("rdiv", t -> t.rdiv(3), x -> 3 / x, POSITIVE),
            new UnaryCase("pow scalar", t -> t.pow(3), x -> Math.pow(x, 3), XS),
            new UnaryCase("maximum scalar", t -> t.maximum(0.5), x -> Math.max(x, 0.5), XS),
            new UnaryCase("minimum scalar", t -> t.minimum(0.5), x -> Math.min(x, 0.5), XS),
    };

    private static final BinaryCase[] BINARY = {
            new BinaryCase("add", Tensor::add, (a, b) -> a + b),
            new BinaryCase("sub", Tensor::sub, (a, b) -> a - b),
            new BinaryCase("mul", Tensor::mul, (a, b) -> a * b),
            new BinaryCase("div", Tensor::div, (a, b) -> a / b),
            new BinaryCase("rem", Tensor::rem, (a, b) -> a % b),
            new BinaryCase("maximum", Tensor::maximum, Math::max),
            new BinaryCase("minimum", Tensor::minimum, Math::min),
    };

    @Test
    void unaryOperationsMatchJavaMathInF32AndF64() {
        for (UnaryCase c : UNARY) {
            double[] x = widen(c.domain());
            double[] expected64 = new double[x.length];
            double[] expected32 = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                expected64[i] = c.naive().applyAsDouble(x[i]);
                expected32[i] = (float) expected64[i];
            }
            Tensor t64 = c.op().apply(Tensor.of(x));
            Tensor t32 = c.op().apply(Tensor.of(c.domain()));
            assertEquals(f64(x.length), t64.type(), c.name());
            assertEquals(f32(x.length), t32.type(), c.name());
            assertClose(expected64, t64, 1e-14);
            assertClose(expected32, t32, 1e-6);
        }
    }

    @Test
    void normIsTheSquareRootOfTheSumOfSquares() {
        double s = 0;
        for (float x : XS) {
            s += x * x;
        }
        assertClose(f32(), new double[] {Math.sqrt(s)}, Tensor.of(XS).norm(), 1e-6);
    }

    @Test
    void binaryOperationsMatchJavaArithmetic() {
        for (BinaryCase c : BINARY) {
            double[] expected = new double[XS.length];
            for (int i = 0; i < XS.length; i++) {
                expected[i] = (float) c.naive().applyAsDouble(XS[i], YS[i]);
            }
            Tensor r = c.op().apply(Tensor.of(XS), Tensor.of(YS));
            assertEquals(f32(XS.length), r.type(), c.name());
            assertClose(expected, r, 1e-6);
        }
    }

    @Test
    void powOfTensorsMatchesMathPow() {
        Tensor base = Tensor.of(POSITIVE);
        Tensor exponent = Tensor.of(new float[] {2, -1, 0.5f, 3, 1.5f, -0.5f});
        double[] expected = new double[POSITIVE.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (float) Math.pow(POSITIVE[i], exponent.toFloatArray()[i]);
        }
        assertClose(f32(6), expected, base.pow(exponent), 1e-6);
    }

    @Test
    void integerArithmeticTruncatesTowardZeroAsJavaDoes() {
        Tensor a = Tensor.of(new int[] {7, -7, 9, -9});
        Tensor b = Tensor.of(new int[] {2, 2, -4, -4});
        TestData.assertInts(new int[] {4}, new int[] {3, -3, -2, 2}, a.div(b));
        TestData.assertInts(new int[] {4}, new int[] {1, -1, 1, -1}, a.rem(b));
        TestData.assertInts(new int[] {4}, new int[] {9, -5, 5, -13}, a.add(b));
        TestData.assertInts(new int[] {4}, new int[] {7, 7, 9, 9}, a.abs());
        TestData.assertInts(new int[] {4}, new int[] {-7, 7, -9, 9}, a.neg());
    }

    @Test
    void comparisonsGiveBoolAndMatchJava() {
        Tensor a = Tensor.of(XS), b = Tensor.of(YS);
        boolean[] eq = new boolean[XS.length], ne = new boolean[XS.length], lt = new boolean[XS.length];
        boolean[] le = new boolean[XS.length], gt = new boolean[XS.length], ge = new boolean[XS.length];
        for (int i = 0; i < XS.length; i++) {
            eq[i] = XS[i] == YS[i];
            ne[i] = XS[i] != YS[i];
            lt[i] = XS[i] < YS[i];
            le[i] = XS[i] <= YS[i];
            gt[i] = XS[i] > YS[i];
            ge[i] = XS[i] >= YS[i];
        }
        assertBools(eq, a.eq(b));
        assertBools(ne, a.ne(b));
        assertBools(lt, a.lt(b));
        assertBools(le, a.le(b));
        assertBools(gt, a.gt(b));
        assertBools(ge, a.ge(b));
        assertBools(new boolean[] {false, false, false, false, false, true, true, true}, a.gt(1.0));
        assertBools(new boolean[] {false, true, false, false, false, false, false, false}, a.eq(-1));
        assertBools(new boolean[] {true, true, true, true, false, false, false, false}, a.le(0));
        assertBools(new boolean[] {true, true, true, false, true, true, true, true}, a.ne(0));
        assertBools(new boolean[] {true, true, true, true, false, false, false, false}, a.lt(0.5));
        assertBools(new boolean[] {false, false, false, true, true, true, true, true}, a.ge(0));
    }

    @Test
    void logicalOperationsOnBools() {
        Tensor p = Tensor.of(new boolean[] {true, true, false, false});
        Tensor q = Tensor.of(new boolean[] {true, false, true, false});
        assertBools(new boolean[] {true, false, false, false}, p.logicalAnd(q));
        assertBools(new boolean[] {true, true, true, false}, p.logicalOr(q));
        assertBools(new boolean[] {false, false, true, true}, p.logicalNot());
    }

    @Test
    void whereSelectsWithBroadcasting() {
        Tensor cond = Tensor.of(new boolean[] {true, false, true}, 1, 3);
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertClose(f32(2, 3), new double[] {1, -1, 3, 4, -1, 6}, Tensor.where(cond, a, -1), 0);
        Tensor b = Tensor.of(new double[] {10, 20}, 2, 1);
        assertClose(f64(2, 3), new double[] {1, 10, 3, 4, 20, 6}, Tensor.where(cond, a, b), 0);
    }

    @Test
    void astypeConvertsWithJavaCastSemantics() {
        Tensor x = Tensor.of(new float[] {-2.75f, -0.5f, 0f, 0.5f, 2.75f});
        TestData.assertInts(new int[] {5}, new int[] {-2, 0, 0, 0, 2}, x.astype(DType.I32));
        assertBools(new boolean[] {true, true, false, true, true}, x.astype(DType.BOOL));
        assertClose(f64(5), new double[] {-2.75, -0.5, 0, 0.5, 2.75}, x.astype(DType.F64), 0);
        assertClose(i32(2), new double[] {1, 0}, Tensor.of(new boolean[] {true, false}).astype(DType.I32), 0);
        assertEquals(x, x.astype(DType.F32), "astype to the same dtype is the same tensor");
    }

    @Test
    void elementwiseOnBoolsAndEmptyTensorsKeepsShapes() {
        Tensor empty = Tensor.of(new float[0], 0, 3);
        assertEquals(f32(0, 3), empty.exp().type());
        assertEquals(bool(0, 3), empty.gt(0).type());
    }

    private static void assertBools(boolean[] expected, Tensor t) {
        assertEquals(bool(expected.length), t.type());
        double[] got = t.toDoubleArray();
        boolean[] actual = new boolean[got.length];
        for (int i = 0; i < got.length; i++) {
            actual[i] = got[i] != 0;
        }
        assertArrayEquals(expected, actual);
    }

    private static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
