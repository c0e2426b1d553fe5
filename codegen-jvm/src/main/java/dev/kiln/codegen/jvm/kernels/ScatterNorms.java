package dev.kiln.codegen.jvm.kernels;

import dev.kiln.ir.DType;
import java.util.Arrays;

/**
 * The squared norm of each batch element of a scatter into zeros, without the scatter:
 * {@code norms[b] = sum_{v, r} S[b, v, r]^2} where {@code S = scatter_add(zeros, idx, upd)}
 * (an {@link IndexKernels.Plan} of scatter_add). DP-SGD clips the per-example gradient of an
 * embedding table this way; {@code S} has {@code B*V*R} elements, of which each example touches
 * only {@code I} rows, so building it costs {@code B*V*R} however few the tokens.
 *
 * <p>Each lane accumulates one example's rows in a private {@code V*R} row of scratch, sums the
 * squares of the rows its indices name and zeroes each row as it reads it (a repeated index then
 * adds nothing), which leaves the row all zeros for the next example: {@code O(I*R)} work per
 * example, plus zeroing the lane's row once per call, unless the caller keeps the scratch for
 * this kernel alone (then it stays zero from call to call). The sums equal the dense sums up to the
 * order of the additions. Indices are checked first, as scatter_add checks them, with the same
 * error.
 */
public final class ScatterNorms {
    /**
     * Work units ({@link Parallel#grainFor}) of one scattered element: a dependent read-add-write
     * at a random place, about 1.3 ns on the development machine against 0.08 ns for an element
     * of a streaming loop (4 units).
     */
    private static final long SCATTERED = 64;

    private ScatterNorms() {
    }

    /** Whether the scratch of {@link #scratchSize} fits an array (a lane's row is the size of one dense example). */
    public static boolean fits(IndexKernels.Plan p) {
        return (long) Parallel.threads() * p.rows() * p.rowSize() <= Integer.MAX_VALUE - 16;
    }

    /** Scratch elements one call needs: a {@code V*R} row per lane. */
    public static int scratchSize(IndexKernels.Plan p) {
        return Math.multiplyExact(Parallel.threads(), p.rows() * p.rowSize());
    }

    /**
     * Writes {@code out[oo + b]} for each batch element b; {@code scratch} holds {@link #scratchSize}
     * elements. With {@code scalarUpdates}, {@code upd[uo]} is the one value every update equals.
     */
    public static void squaredNorms(IndexKernels.Plan p, int[] idx, int io, float[] upd, int uo, float[] out, int oo,
                                    float[] scratch, boolean scalarUpdates) {
        squaredNorms(p, idx, io, upd, uo, out, oo, scratch, scalarUpdates, false);
    }

    /** As above; with {@code scratchIsZero} the scratch is all zeros on entry and is left so (even on an error). */
    public static void squaredNorms(IndexKernels.Plan p, int[] idx, int io, float[] upd, int uo, float[] out, int oo,
                                    float[] scratch, boolean scalarUpdates, boolean scratchIsZero) {
        expect(p, DType.F32);
        int us = scalarUpdates ? 0 : 1;
        guarded(p, idx, io, scratchIsZero, zeroed -> runFloat(p, idx, io, upd, uo, out, oo, scratch, us, zeroed),
                () -> Arrays.fill(scratch, 0f));
    }

    /**
     * Checks the indices, then runs {@code body} with a flag per lane saying whether its scratch row
     * is zero already. With {@code scratchIsZero} every flag starts set, and the scratch is left
     * zero even when {@code body} throws ({@code clear} zeroes it all).
     */
    private static void guarded(IndexKernels.Plan p, int[] idx, int io, boolean scratchIsZero,
                                java.util.function.Consumer<boolean[]> body, Runnable clear) {
        IndexKernels.checkAll(p, idx, io);
        boolean[] zeroed = new boolean[Parallel.threads()];
        Arrays.fill(zeroed, scratchIsZero);
        try {
            body.accept(zeroed);
        } catch (RuntimeException | Error e) {
            if (scratchIsZero) {
                clear.run();
            }
            throw e;
        }
    }

    private static void runFloat(IndexKernels.Plan p, int[] idx, int io, float[] upd, int uo, float[] out, int oo,
                                  float[] scratch, int us, boolean[] zeroed) {
        int per = p.rows() * p.rowSize(), r = p.rowSize(), n = p.perBatch();
        Parallel.parallelFor(p.batch(), Parallel.grainFor(SCATTERED * n * r), (lane, from, to) -> {
            int h = lane * per;
            if (!zeroed[lane]) {
                Arrays.fill(scratch, h, h + per, 0f);
                zeroed[lane] = true;
            }
            for (int b = from; b < to; b++) {
                int j0 = io + b * n;
                if (r == 1) {
                    out[oo + b] = singles(idx, j0, upd, uo + us * b * n, us, n, scratch, h);
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    int s = uo + us * (b * n + i) * r, d = h + idx[j0 + i] * r;
                    for (int k = 0; k < r; k++) {
                        scratch[d + k] += upd[s + us * k];
                    }
                }
                float sum = 0f;
                for (int i = 0; i < n; i++) {
                    int d = h + idx[j0 + i] * r;
                    for (int k = 0; k < r; k++) {
                        float v = scratch[d + k];
                        sum += v * v;
                        scratch[d + k] = 0f;
                    }
                }
                out[oo + b] = sum;
            }
        });
    }

    /** As the f32 version, in f64. */
    public static void squaredNorms(IndexKernels.Plan p, int[] idx, int io, double[] upd, int uo, double[] out, int oo,
                                    double[] scratch, boolean scalarUpdates) {
        squaredNorms(p, idx, io, upd, uo, out, oo, scratch, scalarUpdates, false);
    }

    /** As above; with {@code scratchIsZero} the scratch is all zeros on entry and is left so (even on an error). */
    public static void squaredNorms(IndexKernels.Plan p, int[] idx, int io, double[] upd, int uo, double[] out, int oo,
                                    double[] scratch, boolean scalarUpdates, boolean scratchIsZero) {
        expect(p, DType.F64);
        int us = scalarUpdates ? 0 : 1;
        guarded(p, idx, io, scratchIsZero, zeroed -> runDouble(p, idx, io, upd, uo, out, oo, scratch, us, zeroed),
                () -> Arrays.fill(scratch, 0d));
    }

    private static void runDouble(IndexKernels.Plan p, int[] idx, int io, double[] upd, int uo, double[] out, int oo,
                                  double[] scratch, int us, boolean[] zeroed) {
        int per = p.rows() * p.rowSize(), r = p.rowSize(), n = p.perBatch();
        Parallel.parallelFor(p.batch(), Parallel.grainFor(SCATTERED * n * r), (lane, from, to) -> {
            int h = lane * per;
            if (!zeroed[lane]) {
                Arrays.fill(scratch, h, h + per, 0d);
                zeroed[lane] = true;
            }
            for (int b = from; b < to; b++) {
                int j0 = io + b * n;
                if (r == 1) {
                    out[oo + b] = singles(idx, j0, upd, uo + us * b * n, us, n, scratch, h);
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    int s = uo + us * (b * n + i) * r, d = h + idx[j0 + i] * r;
                    for (int k = 0; k < r; k++) {
                        scratch[d + k] += upd[s + us * k];
                    }
                }
                double sum = 0d;
                for (int i = 0; i < n; i++) {
                    int d = h + idx[j0 + i] * r;
                    for (int k = 0; k < r; k++) {
                        double v = scratch[d + k];
                        sum += v * v;
                        scratch[d + k] = 0d;
                    }
                }
                out[oo + b] = sum;
            }
        });
    }

    /** One example's norm when rows are single elements (the token counts of an embedding's clipping). */
    private static float singles(int[] idx, int io, float[] upd, int uo, int us, int n, float[] h, int ho) {
        for (int i = 0; i < n; i++) {
            h[ho + idx[io + i]] += upd[uo + us * i];
        }
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            int d = ho + idx[io + i];
            float v = h[d];
            sum += v * v;
            h[d] = 0f;
        }
        return sum;
    }

    private static double singles(int[] idx, int io, double[] upd, int uo, int us, int n, double[] h, int ho) {
        for (int i = 0; i < n; i++) {
            h[ho + idx[io + i]] += upd[uo + us * i];
        }
        double sum = 0d;
        for (int i = 0; i < n; i++) {
            int d = ho + idx[io + i];
            double v = h[d];
            sum += v * v;
            h[d] = 0d;
        }
        return sum;
    }

    private static void expect(IndexKernels.Plan p, DType d) {
        if (p.operand().dtype() != d || !"scatter_add".equals(p.op())) {
            throw new IllegalStateException("scatter norms planned for " + p.op() + " of " + p.operand() + " run on "
                    + d + " arrays");
        }
    }
}
