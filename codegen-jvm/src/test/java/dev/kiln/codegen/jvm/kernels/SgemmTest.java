package dev.kiln.codegen.jvm.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SgemmTest {

    /** A strided f32 matrix living inside a larger array at an offset (as in the backend's arena). */
    record Mat(float[] data, int off, int rs, int cs, int rows, int cols) {
        static Mat random(int rows, int cols, boolean transposed, Random rnd) {
            int pad = rnd.nextInt(5);
            float[] d = new float[pad + rows * cols + 3];
            for (int i = 0; i < d.length; i++) {
                d[i] = rnd.nextFloat() * 2 - 1;
            }
            return transposed ? new Mat(d, pad, 1, rows, rows, cols) : new Mat(d, pad, cols, 1, rows, cols);
        }

        float get(int i, int j) {
            return data[off + i * rs + j * cs];
        }
    }

    static double[] naive(Mat a, Mat b, Mat c0, boolean accumulate) {
        double[] r = new double[a.rows() * b.cols()];
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < b.cols(); j++) {
                double s = accumulate ? c0.get(i, j) : 0;
                for (int p = 0; p < a.cols(); p++) {
                    s += (double) a.get(i, p) * b.get(p, j);
                }
                r[i * b.cols() + j] = s;
            }
        }
        return r;
    }

    static void check(int m, int n, int k, boolean ta, boolean tb, boolean tc, boolean accumulate, boolean parallel,
                      Sgemm.Path path, long seed) {
        Random rnd = new Random(seed);
        Mat a = Mat.random(m, k, ta, rnd), b = Mat.random(k, n, tb, rnd), c = Mat.random(m, n, tc, rnd);
        double[] expect = naive(a, b, c, accumulate);
        float[] before = c.data().clone();
        float[] scratch = new float[Sgemm.scratchFloats(m, n, k, parallel) + 7];
        Sgemm.gemm(m, n, k, a.data(), a.off(), a.rs(), a.cs(), b.data(), b.off(), b.rs(), b.cs(),
                c.data(), c.off(), c.rs(), c.cs(), accumulate, scratch, 7, parallel, path);
        double tol = 1e-5 * Math.sqrt(k + 1) * 4;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double e = expect[i * n + j];
                assertEquals(e, c.get(i, j), tol * Math.max(1, Math.abs(e)),
                        () -> "C[" + "] of " + m + "x" + n + "x" + k + " " + path);
            }
        }
        // nothing outside C was written
        for (int x = 0; x < c.off(); x++) {
            assertEquals(before[x], c.data()[x]);
        }
        for (int x = c.off() + m * n; x < before.length; x++) {
            assertEquals(before[x], c.data()[x]);
        }
    }

    @Property(tries = 300)
    void gemmMatchesNaiveLoopOnAnyShapeAndLayout(@ForAll @IntRange(min = 1, max = 70) int m,
                                                 @ForAll @IntRange(min = 1, max = 70) int n,
                                                 @ForAll @IntRange(min = 1, max = 70) int k,
                                                 @ForAll boolean ta, @ForAll boolean tb, @ForAll boolean tc,
                                                 @ForAll boolean accumulate, @ForAll boolean parallel,
                                                 @ForAll long seed) {
        check(m, n, k, ta, tb, tc, accumulate, parallel, Sgemm.Path.AUTO, seed);
        check(m, n, k, ta, tb, tc, accumulate, parallel, Sgemm.Path.PACKED, seed);
        if (!tb && !tc) {
            check(m, n, k, ta, false, false, accumulate, parallel, Sgemm.Path.UNPACKED, seed);
        }
    }

    @Test
    void gemmAcrossBlockBoundariesMatchesNaiveLoop() {
        // crosses KC (256), MC (96) and several NR panels, with ragged edges, serial and parallel
        check(197, 301, 530, false, false, false, false, true, Sgemm.Path.AUTO, 1);
        check(197, 301, 530, true, true, false, true, false, Sgemm.Path.PACKED, 2);
        check(100, 70, 300, false, true, true, true, true, Sgemm.Path.PACKED, 3);
        check(13, 2100, 20, false, false, false, false, true, Sgemm.Path.PACKED, 4);
    }

    @Test
    void outerProductWithKOneMatchesNaiveLoop() {
        for (int accumulate = 0; accumulate < 2; accumulate++) {
            check(50, 104, 1, false, false, false, accumulate == 1, false, Sgemm.Path.AUTO, 5);
            check(2, 104, 1, true, false, false, accumulate == 1, false, Sgemm.Path.AUTO, 6);
            check(104, 3, 1, false, false, false, accumulate == 1, false, Sgemm.Path.AUTO, 7);
        }
    }

    @Property(tries = 150)
    void rowTableGemmMatchesNaiveLoop(@ForAll @IntRange(min = 1, max = 70) int m,
                                      @ForAll @IntRange(min = 1, max = 90) int n,
                                      @ForAll @IntRange(min = 1, max = 300) int k,
                                      @ForAll boolean accumulate, @ForAll boolean parallel, @ForAll long seed) {
        Random rnd = new Random(seed);
        // B rows are arbitrary (even overlapping) windows of one array, as in an implicit im2col
        float[] pool = KernelBenchmark.randomArray(n + 50 + rnd.nextInt(100), rnd);
        int[] rows = new int[k + 3];
        for (int p = 0; p < rows.length; p++) {
            rows[p] = rnd.nextInt(pool.length - n + 1);
        }
        Mat a = Mat.random(m, k, rnd.nextBoolean(), rnd), c = Mat.random(m, n, false, rnd);
        double[] expect = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = accumulate ? c.get(i, j) : 0;
                for (int p = 0; p < k; p++) {
                    sum += (double) a.get(i, p) * pool[rows[p + 3] + j];
                }
                expect[i * n + j] = sum;
            }
        }
        float[] scratch = new float[Sgemm.scratchFloats(m, n, k, parallel)];
        Sgemm.gemmRowTable(m, n, k, a.data(), a.off(), a.rs(), a.cs(), pool, 0, rows, 3, c.data(), c.off(), n,
                accumulate, scratch, 0, parallel);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(expect[i * n + j], c.get(i, j), 1e-4 * Math.sqrt(k) * Math.max(1, Math.abs(expect[i * n + j])));
            }
        }
    }

    @Test
    void zeroDepthProductClearsOrKeepsC() {
        float[] c = {1, 2, 3, 4};
        Sgemm.gemm(2, 2, 0, new float[0], 0, 0, 1, new float[0], 0, 2, 1, c, 0, 2, 1, true, new float[0], 0, false);
        assertEquals(4f, c[3]);
        Sgemm.gemm(2, 2, 0, new float[0], 0, 0, 1, new float[0], 0, 2, 1, c, 0, 2, 1, false, new float[0], 0, false);
        assertEquals(0f, c[0]);
        assertEquals(0f, c[3]);
    }
}
