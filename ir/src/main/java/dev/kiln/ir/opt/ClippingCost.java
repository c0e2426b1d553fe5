package dev.kiln.ir.opt;

/**
 * The cost model of the DP-SGD clipping rewrites ({@link ScatterClipping}, {@link GhostClipping}):
 * element passes (an element written or read by a fused loop) cost 1, a multiply-accumulate inside
 * a library contraction costs {@link #MAC}. The figure is rough on purpose: it only has to tell a
 * pass over a dense {@code [B, V, R]} per-example gradient from a pass over the examples' few
 * rows, and a blocked GEMM (tens of GFLOP/s on the JVM backend) from a memory-bound loop (a few
 * G elements/s).
 */
final class ClippingCost {
    /** A multiply-accumulate of a library contraction, in element passes. */
    static final double MAC = 0.125;

    private ClippingCost() {
    }

    /** The product of {@code dims}, as a double (costs overflow ints quickly). */
    static double product(int... dims) {
        double p = 1;
        for (int d : dims) {
            p *= d;
        }
        return p;
    }
}
