package dev.kiln.codegen.jvm.kernels;

import static dev.kiln.codegen.jvm.kernels.SgemmKernels.L;
import static dev.kiln.codegen.jvm.kernels.SgemmKernels.MR;
import static dev.kiln.codegen.jvm.kernels.SgemmKernels.S;

import jdk.incubator.vector.FloatVector;

/**
 * Copies blocks of A and B into the contiguous panel order the packed micro-kernels stream
 * through, zero-padding ragged edges, from any element strides (so a transposed operand costs
 * nothing extra: packing is where the transpose happens).
 */
final class SgemmPacking {
    private SgemmPacking() {
    }

    /**
     * Packs rows {@code [0, m)} x k-columns {@code [0, kc)} of A (element {@code (i, p)} at
     * {@code ao + i*rsa + p*csa}) as consecutive {@code [kc][MR]} panels at {@code dst[d..]}.
     */
    static void packA(int m, int kc, float[] a, int ao, int rsa, int csa, float[] dst, int d) {
        for (int i0 = 0; i0 < m; i0 += MR, d += kc * MR) {
            int rows = Math.min(MR, m - i0);
            int base = ao + i0 * rsa;
            if (rsa == 1 && rows == MR) {
                for (int p = 0; p < kc; p++) {
                    int s = base + p * csa, t = d + p * MR;
                    for (int r = 0; r < MR; r++) {
                        dst[t + r] = a[s + r];
                    }
                }
                continue;
            }
            for (int r = 0; r < rows; r++) {
                int s = base + r * rsa;
                for (int p = 0; p < kc; p++) {
                    dst[d + p * MR + r] = a[s + p * csa];
                }
            }
            for (int r = rows; r < MR; r++) {
                for (int p = 0; p < kc; p++) {
                    dst[d + p * MR + r] = 0f;
                }
            }
        }
    }

    /**
     * Packs k-rows {@code [0, kc)} x columns {@code [0, n)} of B (element {@code (p, j)} at
     * {@code bo + p*rsb + j*csb}) as panels of width {@link #panelWidth}: full panels of
     * {@code NR}, the last one L or NR wide, each {@code [kc][width]}, at {@code dst[d..]}.
     */
    static void packB(int n, int kc, float[] b, int bo, int rsb, int csb, float[] dst, int d) {
        for (int j0 = 0; j0 < n; j0 += SgemmKernels.NR) {
            int cols = Math.min(SgemmKernels.NR, n - j0);
            int width = panelWidth(cols);
            packBPanel(cols, width, kc, b, bo + j0 * csb, rsb, csb, dst, d);
            d += kc * width;
        }
    }

    /** The packed width of a panel holding {@code cols} columns: one vector if they fit, else two. */
    static int panelWidth(int cols) {
        return cols <= L ? L : SgemmKernels.NR;
    }

    /** Floats {@link #packB} writes for {@code n} columns and {@code kc} rows. */
    static int packedBSize(int n, int kc) {
        int full = n / SgemmKernels.NR, rest = n % SgemmKernels.NR;
        return kc * (full * SgemmKernels.NR + (rest == 0 ? 0 : panelWidth(rest)));
    }

    private static void packBPanel(int cols, int width, int kc, float[] b, int bo, int rsb, int csb,
                                   float[] dst, int d) {
        if (csb == 1 && cols == width) {
            for (int p = 0; p < kc; p++) {
                int s = bo + p * rsb, t = d + p * width;
                FloatVector.fromArray(S, b, s).intoArray(dst, t);
                if (width > L) {
                    FloatVector.fromArray(S, b, s + L).intoArray(dst, t + L);
                }
            }
            return;
        }
        // ragged or strided panel: scalar (a masked copy would leave the Vector API intrinsics)
        if (csb == 1) {
            for (int p = 0; p < kc; p++) {
                int s = bo + p * rsb, t = d + p * width;
                for (int j = 0; j < cols; j++) {
                    dst[t + j] = b[s + j];
                }
                for (int j = cols; j < width; j++) {
                    dst[t + j] = 0f;
                }
            }
            return;
        }
        for (int j = 0; j < cols; j++) {
            int s = bo + j * csb;
            for (int p = 0; p < kc; p++) {
                dst[d + p * width + j] = b[s + p * rsb];
            }
        }
        for (int j = cols; j < width; j++) {
            for (int p = 0; p < kc; p++) {
                dst[d + p * width + j] = 0f;
            }
        }
    }
}
