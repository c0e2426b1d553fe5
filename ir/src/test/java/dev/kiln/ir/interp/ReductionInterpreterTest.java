package dev.kiln.ir.interp;

import static dev.kiln.ir.interp.TestData.assertExact;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.DType;
import dev.kiln.ir.Ints;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.ArgMax;
import dev.kiln.ir.prim.ReduceMax;
import dev.kiln.ir.prim.ReduceSum;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReductionInterpreterTest {

    /** Sum or max into the result coordinate that drops the reduced axes, by explicit coordinates. */
    private static ArrayData naiveReduce(ArrayData x, int[] axes, boolean max) {
        int[] in = x.shape().toArray();
        List<Integer> kept = new ArrayList<>();
        for (int d = 0; d < in.length; d++) {
            final int dd = d;
            if (java.util.Arrays.stream(axes).noneMatch(a -> a == dd)) {
                kept.add(d);
            }
        }
        int[] out = kept.stream().mapToInt(d -> in[d]).toArray();
        int n = TensorType.of(DType.F64, out).numel();
        double[] acc = new double[n];
        long[] iacc = new long[n];
        java.util.Arrays.fill(acc, max ? Double.NEGATIVE_INFINITY : 0);
        java.util.Arrays.fill(iacc, max ? Integer.MIN_VALUE : 0);
        for (int f = 0; f < x.size(); f++) {
            int[] idx = TestData.unflat(f, in);
            int[] o = kept.stream().mapToInt(d -> idx[d]).toArray();
            int j = TestData.flat(o, out);
            double v = x.getDouble(f);
            acc[j] = max ? (v > acc[j] || Double.isNaN(v) ? v : acc[j]) : acc[j] + v;
            iacc[j] = max ? Math.max(iacc[j], (long) v) : iacc[j] + (long) v;
        }
        ArrayData y = ArrayData.zeros(TensorType.of(x.dtype(), out));
        for (int j = 0; j < n; j++) {
            if (x.dtype() == DType.I32) {
                y.setInt(j, (int) iacc[j]);
            } else {
                y.setDouble(j, acc[j]);
            }
        }
        return y;
    }

    private static int[] randomAxes(Random rnd, int rank) {
        List<Integer> axes = new ArrayList<>();
        for (int d = 0; d < rank; d++) {
            if (rnd.nextBoolean()) {
                axes.add(d);
            }
        }
        return axes.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void reduceSumAndMaxMatchNaiveOverRandomAxes() {
        Random rnd = new Random(20);
        for (int c = 0; c < 60; c++) {
            DType dt = new DType[] {DType.F32, DType.F64, DType.I32}[c % 3];
            int[] shape = TestData.randomShape(rnd, rnd.nextInt(5), 5);
            int[] axes = randomAxes(rnd, shape.length);
            ArrayData x = c % 2 == 0 ? TestData.random(rnd, dt, shape) : TestData.randomLevels(rnd, dt, 3, shape);
            String what = x.type() + " axes " + Ints.of(axes);
            TestData.assertClose(naiveReduce(x, axes, false), TestData.run(new ReduceSum(Ints.of(axes)), x), "reduce_sum " + what);
            assertExact(naiveReduce(x, axes, true), TestData.run(new ReduceMax(Ints.of(axes)), x), "reduce_max " + what);
        }
    }

    @Test
    void emptyReductionsGiveTheIdentity() {
        ArrayData e = ArrayData.zeros(TensorType.of(DType.F32, 2, 0));
        assertExact(ArrayData.of(new float[] {0, 0}, 2), TestData.run(new ReduceSum(Ints.of(1)), e), "sum of nothing");
        assertExact(ArrayData.of(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, 2),
                TestData.run(new ReduceMax(Ints.of(1)), e), "max of nothing");
        ArrayData ei = ArrayData.zeros(TensorType.of(DType.I32, 0, 3));
        assertExact(ArrayData.of(new int[] {Integer.MIN_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE}, 3),
                TestData.run(new ReduceMax(Ints.of(0)), ei), "i32 max of nothing");
        assertExact(ArrayData.of(new int[0], 0, 3), TestData.run(new ReduceSum(Ints.empty()), ei), "no axes");
    }

    @Test
    void reduceToScalarAndOverNoAxes() {
        ArrayData x = ArrayData.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertExact(ArrayData.scalar(21, DType.F64), TestData.run(new ReduceSum(Ints.of(0, 1)), x), "sum all");
        assertExact(x, TestData.run(new ReduceSum(Ints.empty()), x), "sum over no axes");
        assertExact(ArrayData.scalar(6, DType.F64), TestData.run(new ReduceMax(Ints.of(0, 1)), x), "max all");
    }

    @Test
    void integerSumWrapsAndMaxPropagatesNaN() {
        ArrayData x = ArrayData.of(new int[] {Integer.MAX_VALUE, 1}, 2);
        assertExact(ArrayData.scalar(Integer.MIN_VALUE, DType.I32), TestData.run(new ReduceSum(Ints.of(0)), x), "wrap");
        ArrayData y = ArrayData.of(new float[] {1, Float.NaN, 3}, 3);
        assertEquals(Float.NaN, TestData.run(new ReduceMax(Ints.of(0)), y).floatStorage()[0]);
    }

    @Test
    void f32SumIsAccumulatedInDoubleAndRoundedOnce() {
        // 2^24 + 1 + 1 + ... : an f32 accumulator would stall at 2^24.
        float[] v = new float[9];
        v[0] = 16777216f;
        java.util.Arrays.fill(v, 1, 9, 1f);
        ArrayData s = TestData.run(new ReduceSum(Ints.of(0)), ArrayData.of(v, 9));
        assertEquals(16777224f, s.floatStorage()[0]);
    }

    /** First index of the maximum, NaN counting as the largest value. */
    private static ArrayData naiveArgmax(ArrayData x, int axis) {
        int[] in = x.shape().toArray();
        int[] out = TensorType.of(DType.I32, in).shape().without(axis).toArray();
        return TestData.fromFunction(DType.I32, out, o -> {
            int best = -1;
            double bestValue = 0;
            for (int k = 0; k < in[axis]; k++) {
                int[] idx = new int[in.length];
                for (int d = 0, j = 0; d < in.length; d++) {
                    idx[d] = d == axis ? k : o[j++];
                }
                double v = TestData.at(x, idx);
                boolean better = best < 0 || (!Double.isNaN(bestValue) && (Double.isNaN(v) || v > bestValue));
                if (better) {
                    best = k;
                    bestValue = v;
                }
            }
            return best;
        });
    }

    @Test
    void argmaxPicksTheFirstMaximum() {
        Random rnd = new Random(21);
        for (int c = 0; c < 40; c++) {
            DType dt = new DType[] {DType.F32, DType.F64, DType.I32}[c % 3];
            int[] shape = TestData.randomShape(rnd, 1 + rnd.nextInt(3), 5);
            int axis = rnd.nextInt(shape.length);
            ArrayData x = TestData.randomLevels(rnd, dt, 3, shape); // many ties
            assertExact(naiveArgmax(x, axis), TestData.run(new ArgMax(axis, DType.I32), x), "argmax " + x.type() + " axis " + axis);
        }
    }

    @Test
    void argmaxTreatsNaNAsTheMaximumAndSignedZerosAsTies() {
        ArrayData x = ArrayData.of(new double[] {1, Double.NaN, 3, Double.NaN, -0.0, 0.0, Double.NaN, 5}, 2, 4);
        assertExact(ArrayData.of(new int[] {1, 2}, 2), TestData.run(new ArgMax(1, DType.I32), x), "argmax nan, axis 1");
        assertExact(ArrayData.of(new int[] {0, 0, 1, 0}, 4), TestData.run(new ArgMax(0, DType.I32), x), "argmax nan, axis 0");
        ArrayData zeros = ArrayData.of(new float[] {-0.0f, 0.0f, 0.0f, -0.0f}, 2, 2);
        assertExact(ArrayData.of(new int[] {0, 0}, 2), TestData.run(new ArgMax(1, DType.I32), zeros), "signed zeros tie");
    }
}
