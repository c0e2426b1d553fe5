package dev.kiln.tracer.ops;

import static dev.kiln.tracer.TestData.assertClose;
import static dev.kiln.tracer.TestData.f32;
import static dev.kiln.tracer.TestData.f64;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.tracer.Fn2;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.TestData;
import dev.kiln.tracer.Tracing;
import java.util.List;
import org.junit.jupiter.api.Test;

/** matmul, dot_general and einsum, eagerly, against triple loops. */
class LinalgOpsTest {

    /** {@code [b?, m, k] x [b?, k, n]} by loops; batch 1 for plain matrices. */
    private static double[] naiveMatmul(float[] a, float[] b, int batch, int m, int k, int n, boolean batchA, boolean batchB) {
        double[] out = new double[batch * m * n];
        for (int p = 0; p < batch; p++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int q = 0; q < k; q++) {
                        s += a[(batchA ? p * m * k : 0) + i * k + q] * (double) b[(batchB ? p * k * n : 0) + q * n + j];
                    }
                    out[p * m * n + i * n + j] = s;
                }
            }
        }
        return out;
    }

    @Test
    void matrixTimesMatrix() {
        Tensor a = TestData.randomF32(1, 3, 4), b = TestData.randomF32(2, 4, 5);
        assertClose(f32(3, 5), naiveMatmul(a.toFloatArray(), b.toFloatArray(), 1, 3, 4, 5, false, false), a.matmul(b), 1e-6);
    }

    @Test
    void vectorCases() {
        Tensor m = TestData.randomF32(3, 3, 4), v = TestData.randomF32(4, 4), w = TestData.randomF32(5, 3);
        float[] mv = m.toFloatArray(), vv = v.toFloatArray(), wv = w.toFloatArray();
        assertClose(f32(3), naiveMatmul(mv, vv, 1, 3, 4, 1, false, false), m.matmul(v), 1e-6);
        assertClose(f32(4), naiveMatmul(wv, mv, 1, 1, 3, 4, false, false), w.matmul(m), 1e-6);
        assertClose(f32(), naiveMatmul(vv, vv, 1, 1, 4, 1, false, false), v.matmul(v), 1e-6);
    }

    @Test
    void batchedMatmulBroadcastsTheBatch() {
        Tensor a = TestData.randomF32(6, 2, 3, 4), b = TestData.randomF32(7, 2, 4, 5), c = TestData.randomF32(8, 4, 5);
        float[] av = a.toFloatArray();
        assertClose(f32(2, 3, 5), naiveMatmul(av, b.toFloatArray(), 2, 3, 4, 5, true, true), a.matmul(b), 1e-6);
        assertClose(f32(2, 3, 5), naiveMatmul(av, c.toFloatArray(), 2, 3, 4, 5, true, false), a.matmul(c), 1e-6);
        Tensor left = TestData.randomF32(9, 3, 4), right = TestData.randomF32(10, 2, 4, 5);
        assertClose(f32(2, 3, 5), naiveMatmul(left.toFloatArray(), right.toFloatArray(), 2, 3, 4, 5, false, true),
                left.matmul(right), 1e-6);
        Tensor b1 = TestData.randomF32(11, 1, 4, 5);
        assertClose(f32(2, 3, 5), naiveMatmul(av, b1.toFloatArray(), 2, 3, 4, 5, true, false), a.matmul(b1), 1e-6);
        Tensor vec = TestData.randomF32(12, 4);
        assertClose(f32(2, 5), naiveMatmul(vec.toFloatArray(), b.toFloatArray(), 2, 1, 4, 5, false, true), vec.matmul(b), 1e-6);
    }

    @Test
    void matmulPromotesDtypes() {
        Tensor a = Tensor.of(new int[] {1, 2, 3, 4}, 2, 2);
        Tensor b = Tensor.of(new double[] {0.5, 0, 0, 2}, 2, 2);
        assertClose(f64(2, 2), new double[] {0.5, 4, 1.5, 8}, a.matmul(b), 0);
    }

    @Test
    void matmulOfMatricesIsOneDotGeneral() {
        Fn2<Tensor, Tensor, Tensor> f = Tensor::matmul;
        var g = Tracing.makeGraph(f.erase(), List.of(f32(8, 104), f32(104, 2)));
        assertEquals(1, g.equations().size());
        assertEquals(DotGeneral.matmul(), g.equations().get(0).primitive());
    }

    @Test
    void dotGeneralContractsAndBatches() {
        Tensor x = TestData.randomF32(13, 3, 2, 4), w = TestData.randomF32(14, 5, 4);
        // y[b, i, o] = sum_k x[b, i, k] w[o, k]
        Tensor y = Tensor.dotGeneral(x, w, new int[] {2}, new int[] {1}, new int[0], new int[0]);
        float[] xv = x.toFloatArray(), wv = w.toFloatArray();
        double[] expected = new double[3 * 2 * 5];
        for (int b = 0; b < 3; b++) {
            for (int i = 0; i < 2; i++) {
                for (int o = 0; o < 5; o++) {
                    for (int k = 0; k < 4; k++) {
                        expected[(b * 2 + i) * 5 + o] += xv[(b * 2 + i) * 4 + k] * (double) wv[o * 4 + k];
                    }
                }
            }
        }
        assertClose(f32(3, 2, 5), expected, y, 1e-6);
        Tensor p = TestData.randomF32(15, 3, 4, 6);
        // z[b, i, j] = sum_k x[b, i, k] p[b, k, j], with negative axis numbers
        Tensor z = Tensor.dotGeneral(x, p, new int[] {-1}, new int[] {1}, new int[] {0}, new int[] {0});
        assertClose(f32(3, 2, 6), naiveMatmul(xv, p.toFloatArray(), 3, 2, 4, 6, true, true), z, 1e-6);
    }

    @Test
    void einsumMatchesExplicitLoops() {
        Tensor a = TestData.randomF32(16, 2, 3, 4), b = TestData.randomF32(17, 2, 4, 5);
        float[] av = a.toFloatArray(), bv = b.toFloatArray();
        double[] bmm = naiveMatmul(av, bv, 2, 3, 4, 5, true, true);
        assertClose(f32(2, 3, 5), bmm, Tensor.einsum("bij,bjk->bik", a, b), 1e-6);
        // The same product laid out as [k, b, i].
        double[] kbi = new double[5 * 2 * 3];
        for (int p = 0; p < 2; p++) {
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 5; k++) {
                    kbi[(k * 2 + p) * 3 + i] = bmm[(p * 3 + i) * 5 + k];
                }
            }
        }
        assertClose(f32(5, 2, 3), kbi, Tensor.einsum("bij,bjk->kbi", a, b), 1e-6);
    }

    @Test
    void einsumOfOneOperandSumsAndTransposes() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertClose(f32(3, 2), new double[] {1, 4, 2, 5, 3, 6}, Tensor.einsum("ij->ji", a), 0);
        assertClose(f32(2), new double[] {6, 15}, Tensor.einsum("ij->i", a), 0);
        assertClose(f32(), new double[] {21}, Tensor.einsum("ij->", a), 0);
    }

    @Test
    void einsumOuterProductAndImplicitOutput() {
        Tensor u = Tensor.of(new float[] {1, 2}), v = Tensor.of(new float[] {3, 4, 5});
        assertClose(f32(2, 3), new double[] {3, 4, 5, 6, 8, 10}, Tensor.einsum("i,j->ij", u, v), 0);
        Tensor m = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        // Implicit output: letters used once, sorted: "ik" for "ij,jk".
        Tensor n = Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
        assertClose(f32(2, 2), new double[] {4, 5, 10, 11}, Tensor.einsum("ij,jk", m, n), 0);
        // A letter in one operand only is summed out first: sum_j m[i, j] * sum_k v[k].
        assertClose(f32(2), new double[] {6 * 12, 15 * 12}, Tensor.einsum("ij,k->i", m, v), 0);
    }
}
