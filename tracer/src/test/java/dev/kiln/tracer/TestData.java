package dev.kiln.tracer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.ir.DType;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import java.util.SplittableRandom;

/** Shared helpers of the tracer's tests: seeded test data, row-major indexing and close-enough checks. */
public final class TestData {
    private TestData() {
    }

    /** An f32 tensor of {@code shape} (a scalar for no dimensions) with values uniform in [-1, 1) from {@code seed}. */
    public static Tensor randomF32(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Shape.of(shape).numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return Tensor.of(dev.kiln.ir.ArrayData.of(v, shape));
    }

    /** An f64 tensor of {@code shape} with values uniform in [-1, 1) from {@code seed}. */
    public static Tensor randomF64(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[Shape.of(shape).numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextDouble() * 2 - 1;
        }
        return Tensor.of(dev.kiln.ir.ArrayData.of(v, shape));
    }

    /** An i32 tensor of {@code shape} with values uniform in [0, bound) from {@code seed}. */
    public static Tensor randomInts(long seed, int bound, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] v = new int[Shape.of(shape).numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(bound);
        }
        return Tensor.of(v, shape);
    }

    /** The row-major flat position of {@code index} in {@code shape}. */
    public static int flat(int[] shape, int... index) {
        int f = 0;
        for (int i = 0; i < shape.length; i++) {
            f = f * shape[i] + index[i];
        }
        return f;
    }

    /** The multi-index of flat position {@code f} in {@code shape}. */
    public static int[] unflat(int[] shape, int f) {
        int[] idx = new int[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            idx[i] = f % shape[i];
            f /= shape[i];
        }
        return idx;
    }

    /** Asserts {@code t}'s type and that every element is within {@code tol} (absolute + relative) of {@code expected}. */
    public static void assertClose(TensorType type, double[] expected, Tensor t, double tol) {
        assertEquals(type, t.type(), "type");
        assertClose(expected, t, tol);
    }

    public static void assertClose(double[] expected, Tensor t, double tol) {
        double[] actual = t.toDoubleArray();
        assertEquals(expected.length, actual.length, "element count");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            boolean ok = Double.isNaN(e) ? Double.isNaN(a) : e == a || Math.abs(e - a) <= tol * (1 + Math.abs(e));
            if (!ok) {
                fail("element " + i + " of " + t.type() + ": expected " + e + ", got " + a + " (tolerance " + tol + ")");
            }
        }
    }

    /** Asserts exact i32 contents and shape. */
    public static void assertInts(int[] expectedShape, int[] expected, Tensor t) {
        assertEquals(TensorType.of(DType.I32, expectedShape), t.type(), "type");
        assertArrayEquals(expected, t.toIntArray());
    }

    /** The result type of {@code f} traced on abstract arguments of {@code in} (no data needed). */
    public static TensorType resultTypeN(FnN f, TensorType... in) {
        var traced = Tracing.trace(f, java.util.List.of((Object[]) in), "resultType");
        assertEquals(1, traced.graph().outputs().size(), "one result");
        return traced.graph().outputTypes().get(0);
    }

    public static TensorType resultType(Fn1<Tensor, Tensor> f, TensorType in) {
        return resultTypeN(f.erase(), in);
    }

    public static TensorType resultType(Fn2<Tensor, Tensor, Tensor> f, TensorType a, TensorType b) {
        return resultTypeN(f.erase(), a, b);
    }

    public static TensorType f32(int... shape) {
        return TensorType.of(DType.F32, shape);
    }

    public static TensorType f64(int... shape) {
        return TensorType.of(DType.F64, shape);
    }

    public static TensorType i32(int... shape) {
        return TensorType.of(DType.I32, shape);
    }

    public static TensorType bool(int... shape) {
        return TensorType.of(DType.BOOL, shape);
    }
}
