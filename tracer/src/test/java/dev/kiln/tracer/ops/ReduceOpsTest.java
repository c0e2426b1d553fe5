package dev.kiln.tracer.ops;

import static dev.kiln.tracer.TestData.assertClose;
import static dev.kiln.tracer.TestData.f32;
import static dev.kiln.tracer.TestData.flat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.TestData;
import org.junit.jupiter.api.Test;

/** Reductions, eagerly, against loops in plain Java. */
class ReduceOpsTest {
    private static final int[] S = {2, 3, 4};
    private static final Tensor X = TestData.randomF32(11, S);
    private static final float[] XV = X.toFloatArray();

    private static double x(int i, int j, int k) {
        return XV[flat(S, i, j, k)];
    }

    @Test
    void sumOverAllAndOverAxes() {
        double all = 0;
        double[] overMiddle = new double[8];
        double[] overOuter = new double[3];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 4; k++) {
                    all += x(i, j, k);
                    overMiddle[i * 4 + k] += x(i, j, k);
                    overOuter[j] += x(i, j, k);
                }
            }
        }
        assertClose(f32(), new double[] {all}, X.sum(), 1e-6);
        assertClose(f32(2, 4), overMiddle, X.sum(1), 1e-6);
        assertClose(f32(2, 1, 4), overMiddle, X.sum(new int[] {-2}, true), 1e-6);
        assertClose(f32(3), overOuter, X.sum(0, 2), 1e-6);
    }

    @Test
    void meanDividesByTheReducedCount() {
        double[] m = new double[2];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 4; k++) {
                    m[i] += x(i, j, k) / 12;
                }
            }
        }
        assertClose(f32(2), m, X.mean(1, 2), 1e-6);
        assertClose(f32(2, 1, 1), m, X.mean(new int[] {1, 2}, true), 1e-6);
        assertClose(f32(), new double[] {(m[0] + m[1]) / 2}, X.mean(), 1e-6);
        assertClose(f32(), new double[] {2}, Tensor.of(new int[] {1, 2, 3}).mean(), 0);
    }

    @Test
    void sumOfBoolsCounts() {
        Tensor b = Tensor.of(new boolean[] {true, false, true, true});
        TestData.assertInts(new int[0], new int[] {3}, b.sum());
    }

    @Test
    void amaxAminAndArgmax() {
        double[] max = new double[6], min = new double[6];
        int[] arg = new int[6];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                max[i * 3 + j] = Double.NEGATIVE_INFINITY;
                min[i * 3 + j] = Double.POSITIVE_INFINITY;
                for (int k = 0; k < 4; k++) {
                    if (x(i, j, k) > max[i * 3 + j]) {
                        max[i * 3 + j] = x(i, j, k);
                        arg[i * 3 + j] = k;
                    }
                    min[i * 3 + j] = Math.min(min[i * 3 + j], x(i, j, k));
                }
            }
        }
        assertClose(f32(2, 3), max, X.amax(-1), 0);
        assertClose(f32(2, 3, 1), max, X.amax(new int[] {2}, true), 0);
        assertClose(f32(2, 3), min, X.amin(2), 0);
        TestData.assertInts(new int[] {2, 3}, arg, X.argmax(-1));
    }

    @Test
    void argmaxTakesTheFirstOfTies() {
        TestData.assertInts(new int[0], new int[] {1}, Tensor.of(new float[] {0, 5, 5, 1}).argmax(0));
    }

    @Test
    void logsumexpIsStableForLargeValues() {
        Tensor big = Tensor.of(new float[] {1000, 1000, 999}, 1, 3);
        double expected = 1000 + Math.log(2 + Math.exp(-1));
        assertClose(f32(1), new double[] {expected}, big.logsumexp(1, false), 1e-6);
        assertClose(f32(1, 1), new double[] {expected}, big.logsumexp(-1, true), 1e-6);
    }

    @Test
    void logsumexpMatchesTheNaiveFormula() {
        double[] expected = new double[8];
        for (int i = 0; i < 2; i++) {
            for (int k = 0; k < 4; k++) {
                double s = 0;
                for (int j = 0; j < 3; j++) {
                    s += Math.exp(x(i, j, k));
                }
                expected[i * 4 + k] = Math.log(s);
            }
        }
        assertClose(f32(2, 4), expected, X.logsumexp(1, false), 1e-6);
    }

    @Test
    void logsumexpOfAllMinusInfinityIsMinusInfinity() {
        Tensor t = Tensor.of(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY});
        assertEquals(Double.NEGATIVE_INFINITY, t.logsumexp(0, false).item());
    }
}
