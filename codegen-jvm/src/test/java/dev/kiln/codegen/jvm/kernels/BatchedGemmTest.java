package dev.kiln.codegen.jvm.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class BatchedGemmTest {

    @Property(tries = 200)
    void batchedProductsMatchNaiveLoopsWithAnyLayoutAndAccumulate(@ForAll @IntRange(min = 0, max = 6) int batch,
                                                                   @ForAll @IntRange(min = 1, max = 40) int m,
                                                                   @ForAll @IntRange(min = 1, max = 40) int n,
                                                                   @ForAll @IntRange(min = 1, max = 40) int k,
                                                                   @ForAll boolean ta, @ForAll boolean tb,
                                                                   @ForAll boolean accumulate, @ForAll long seed) {
        Random rnd = new Random(seed);
        // A [batch, m, k] (or each matrix transposed), B [batch, k, n] (or transposed), C [batch, m, n]
        BatchedGemm.Strides as = ta ? new BatchedGemm.Strides(m * k, 1, m) : BatchedGemm.Strides.rowMajor(m, k);
        BatchedGemm.Strides bs = tb ? new BatchedGemm.Strides(k * n, 1, k) : BatchedGemm.Strides.rowMajor(k, n);
        BatchedGemm.Strides cs = BatchedGemm.Strides.rowMajor(m, n);
        float[] a = KernelBenchmark.randomArray(batch * m * k + 2, rnd), b = KernelBenchmark.randomArray(batch * k * n + 1, rnd);
        float[] c = KernelBenchmark.randomArray(batch * m * n + 3, rnd);
        double[] expect = new double[c.length];
        for (int e = 0; e < batch; e++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = accumulate ? c[3 + e * m * n + i * n + j] : 0;
                    for (int p = 0; p < k; p++) {
                        s += (double) a[2 + e * as.batch() + i * as.row() + p * as.col()]
                                * b[1 + e * bs.batch() + p * bs.row() + j * bs.col()];
                    }
                    expect[3 + e * m * n + i * n + j] = s;
                }
            }
        }
        BatchedGemm g = BatchedGemm.of(batch, m, n, k, as, bs, cs);
        g.run(a, 2, b, 1, c, 3, accumulate, new float[g.scratchSize() + 5], 5);
        for (int x = 3; x < 3 + batch * m * n; x++) {
            assertEquals(expect[x], c[x], 1e-4 * Math.sqrt(k) * Math.max(1, Math.abs(expect[x])), g.toString());
        }
    }
}
