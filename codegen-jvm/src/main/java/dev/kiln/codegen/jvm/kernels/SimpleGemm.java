package dev.kiln.codegen.jvm.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix products for f64 and i32 on strided operands (same conventions as {@link Sgemm}):
 * correct and simple rather than fast. f64 is what gradient checks run in, so its row update is
 * vectorised when B and C rows are contiguous; i32 products are rare and stay scalar (wrapping,
 * as Java int arithmetic does).
 */
final class SimpleGemm {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

    private SimpleGemm() {
    }

    static void dgemm(int m, int n, int k, double[] a, int ao, int rsa, int csa, double[] b, int bo, int rsb, int csb,
                      double[] c, int co, int rsc, int csc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ci = co + i * rsc;
            if (!accumulate) {
                for (int j = 0; j < n; j++) {
                    c[ci + j * csc] = 0;
                }
            }
            for (int p = 0; p < k; p++) {
                double x = a[ao + i * rsa + p * csa];
                int bp = bo + p * rsb;
                int j = 0;
                if (csb == 1 && csc == 1) {
                    DoubleVector xv = DoubleVector.broadcast(D, x);
                    for (int bound = D.loopBound(n); j < bound; j += D.length()) {
                        xv.fma(DoubleVector.fromArray(D, b, bp + j), DoubleVector.fromArray(D, c, ci + j))
                                .intoArray(c, ci + j);
                    }
                }
                for (; j < n; j++) {
                    c[ci + j * csc] += x * b[bp + j * csb];
                }
            }
        }
    }

    static void igemm(int m, int n, int k, int[] a, int ao, int rsa, int csa, int[] b, int bo, int rsb, int csb,
                      int[] c, int co, int rsc, int csc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ci = co + i * rsc;
            if (!accumulate) {
                for (int j = 0; j < n; j++) {
                    c[ci + j * csc] = 0;
                }
            }
            for (int p = 0; p < k; p++) {
                int x = a[ao + i * rsa + p * csa];
                int bp = bo + p * rsb;
                for (int j = 0; j < n; j++) {
                    c[ci + j * csc] += x * b[bp + j * csb];
                }
            }
        }
    }
}
