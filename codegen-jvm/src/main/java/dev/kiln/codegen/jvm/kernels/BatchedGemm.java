package dev.kiln.codegen.jvm.kernels;

/**
 * A prepared batched matrix product {@code C[b] = A[b]·B[b]} (or {@code +=}) for
 * {@code b < batch}, each operand given by a base offset and {@link Strides}. Prepare once per
 * shape, run many times, from several threads at once if each call has its own output and
 * scratch.
 *
 * <p>Work is spread over {@link Parallel}'s lanes across the batch when there are at least as
 * many products as lanes (DP-SGD's per-example products: many small GEMMs, down to k = 1 outer
 * products), and inside each product otherwise.
 */
public final class BatchedGemm {
    /** Element strides of one operand: between matrices of the batch, rows, and columns. */
    public record Strides(int batch, int row, int col) {
        /** A dense row-major {@code [batch, rows, cols]} operand. */
        public static Strides rowMajor(int rows, int cols) {
            return new Strides(rows * cols, cols, 1);
        }
    }

    private final int batch;
    private final int m;
    private final int n;
    private final int k;
    private final Strides a;
    private final Strides b;
    private final Strides c;
    private final boolean overBatch;
    private final int serialScratch;

    private BatchedGemm(int batch, int m, int n, int k, Strides a, Strides b, Strides c) {
        this.batch = batch;
        this.m = m;
        this.n = n;
        this.k = k;
        this.a = a;
        this.b = b;
        this.c = c;
        this.overBatch = batch >= Parallel.threads() && batch > 1;
        this.serialScratch = Sgemm.scratchFloats(m, n, k, false);
    }

    /** A product of {@code batch} matrices {@code [m,k] x [k,n] -> [m,n]} with the given layouts. */
    public static BatchedGemm of(int batch, int m, int n, int k, Strides a, Strides b, Strides c) {
        if (batch < 0 || m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("negative gemm size " + batch + "x" + m + "x" + n + "x" + k);
        }
        return new BatchedGemm(batch, m, n, k, a, b, c);
    }

    /** Floats of scratch an f32 run needs (f64 and i32 runs need none). */
    public int scratchSize() {
        if (overBatch) {
            return serialScratch * Parallel.threads();
        }
        return Sgemm.scratchFloats(m, n, k, true);
    }

    private long flopsPerProduct() {
        return 2L * m * n * Math.max(k, 1);
    }

    public void run(float[] x, int xo, float[] y, int yo, float[] out, int oo, boolean accumulate,
                    float[] scratch, int so) {
        if (overBatch) {
            Parallel.parallelFor(batch, Parallel.grainFor(flopsPerProduct()), (lane, from, to) -> {
                int s = so + lane * serialScratch;
                for (int i = from; i < to; i++) {
                    Sgemm.gemm(m, n, k, x, xo + i * a.batch(), a.row(), a.col(), y, yo + i * b.batch(), b.row(), b.col(),
                            out, oo + i * c.batch(), c.row(), c.col(), accumulate, scratch, s, false);
                }
            });
            return;
        }
        for (int i = 0; i < batch; i++) {
            Sgemm.gemm(m, n, k, x, xo + i * a.batch(), a.row(), a.col(), y, yo + i * b.batch(), b.row(), b.col(),
                    out, oo + i * c.batch(), c.row(), c.col(), accumulate, scratch, so, true);
        }
    }

    public void run(double[] x, int xo, double[] y, int yo, double[] out, int oo, boolean accumulate) {
        Parallel.parallelFor(batch, Parallel.grainFor(flopsPerProduct()), (lane, from, to) -> {
            for (int i = from; i < to; i++) {
                SimpleGemm.dgemm(m, n, k, x, xo + i * a.batch(), a.row(), a.col(), y, yo + i * b.batch(), b.row(),
                        b.col(), out, oo + i * c.batch(), c.row(), c.col(), accumulate);
            }
        });
    }

    public void run(int[] x, int xo, int[] y, int yo, int[] out, int oo, boolean accumulate) {
        Parallel.parallelFor(batch, Parallel.grainFor(flopsPerProduct()), (lane, from, to) -> {
            for (int i = from; i < to; i++) {
                SimpleGemm.igemm(m, n, k, x, xo + i * a.batch(), a.row(), a.col(), y, yo + i * b.batch(), b.row(),
                        b.col(), out, oo + i * c.batch(), c.row(), c.col(), accumulate);
            }
        });
    }

    @Override
    public String toString() {
        return "gemm[" + batch + "x" + m + "x" + n + "x" + k + " a" + a + " b" + b + " c" + c + "]";
    }
}
