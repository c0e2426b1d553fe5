package dev.kiln.codegen.jvm.kernels;

import static dev.kiln.codegen.jvm.kernels.SgemmKernels.L;
import static dev.kiln.codegen.jvm.kernels.SgemmKernels.MR;
import static dev.kiln.codegen.jvm.kernels.SgemmKernels.NR;
import static dev.kiln.codegen.jvm.kernels.SgemmKernels.S;

import jdk.incubator.vector.FloatVector;

/**
 * The f32 matrix product {@code C = A·B} (or {@code C += A·B}) on strided operands: element
 * {@code (i, p)} of A at {@code ao + i*rsa + p*csa}, {@code (p, j)} of B at
 * {@code bo + p*rsb + j*csb}, {@code (i, j)} of C at {@code co + i*rsc + j*csc}; so transposed
 * operands are just other strides.
 *
 * <p>Large products take the BLIS path: B is packed in {@code KC x NC} blocks, A in
 * {@code MC x KC} blocks, and the 6 x 32 register-tile micro-kernels of {@link SgemmKernels} run
 * over the packed panels; blocks of rows and columns are spread over {@link Parallel}'s lanes.
 * Small products whose B and C rows are contiguous skip packing and run the in-place kernel (for
 * a k=1 outer product that is the whole cost: one pass over C). When C has few columns and many
 * rows the product is computed transposed ({@code Cᵀ = Bᵀ·Aᵀ}), so vector lanes are not wasted
 * on padding.
 *
 * <p>Measured on the shared 2-core Zen 4 (AVX-512, 16 lanes), 512^3, best of repeated runs
 * ({@code KernelBenchmark gemm}): 95-106 GFLOP/s on one thread (A plain or transposed; peak is
 * about 100-118 at one 512-bit FMA a cycle), 135-176 GFLOP/s on two threads when the other
 * core was free (the machine is shared, so two-thread figures swing). Small shapes:
 * 128x104x50 about 70-76, 32x1024x288 about 77, the k=1 outer product [50]x[104] about 17
 * (it only writes C).
 */
public final class Sgemm {
    /** k-block: the depth of one packed panel pass. */
    static final int KC = 256;
    /** Rows of A packed at once (a multiple of MR); the A block stays in L2. */
    static final int MC = 96;
    /** Columns of B packed at once (a multiple of NR). */
    static final int NC = 2048;
    /** Products below this many flops run on the calling thread only. */
    static final long PARALLEL_FLOPS = 1L << 21;
    /** Products up to this many flops with contiguous B and C rows skip packing. */
    static final long UNPACKED_FLOPS = 1L << 18;

    /** Products up to this many flops take {@link TinyGemm} when its layouts fit. */
    static final long TINY_FLOPS = 1L << 18;

    /** How a product is computed; tests force each path, callers use AUTO. */
    enum Path { AUTO, PACKED, UNPACKED, TINY }

    private Sgemm() {
    }

    /** Scratch floats a call with these sizes needs ({@code parallel}: with one region per lane). */
    public static int scratchFloats(int m, int n, int k, boolean parallel) {
        int cols = Math.min(roundUp(Math.max(m, n), NR), NC);
        int kc = Math.min(KC, Math.max(k, 1));
        long lanes = parallel ? Parallel.threads() : 1;
        long total = (long) kc * cols + lanes * perLane(kc);
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("gemm scratch too large for " + m + "x" + n + "x" + k);
        }
        return (int) total;
    }

    /** The k = 1 product (an outer product, DP-SGD's per-example dense gradient): one pass over C. */
    private static void outer(int m, int n, float[] a, int ao, int rsa, float[] b, int bo, float[] c, int co, int rsc,
                              boolean accumulate, boolean parallel) {
        Parallel.Body rows = (lane, from, to) -> {
            int bound = S.loopBound(n);
            for (int i = from; i < to; i++) {
                float x = a[ao + i * rsa];
                FloatVector xv = FloatVector.broadcast(S, x);
                int ci = co + i * rsc, j = 0;
                for (; j < bound; j += L) {
                    FloatVector y = xv.mul(FloatVector.fromArray(S, b, bo + j));
                    if (accumulate) {
                        y = y.add(FloatVector.fromArray(S, c, ci + j));
                    }
                    y.intoArray(c, ci + j);
                }
                for (; j < n; j++) {
                    c[ci + j] = accumulate ? c[ci + j] + x * b[bo + j] : x * b[bo + j];
                }
            }
        };
        if (parallel) {
            Parallel.parallelFor(m, Parallel.grainFor(8L * n), rows);
        } else {
            rows.run(0, 0, m);
        }
    }

    /**
     * Both operands contiguous along k (A rows, B columns: {@code x · Wᵀ} with a narrow W) and one
     * side narrower than a vector: inner products along k ({@link DotKernels#dot4x3}), no packing
     * and no lanes wasted on padding columns.
     */
    private static void inner(int m, int n, int k, float[] a, int ao, int rsa, float[] b, int bo, int csb,
                              float[] c, int co, int rsc, int csc, boolean accumulate, boolean parallel) {
        int kp = k / L * L, blocks = (m + 3) / 4;
        Parallel.Body body = (lane, from, to) -> {
            for (int blk = from; blk < to; blk++) {
                int i0 = blk * 4, rows = Math.min(4, m - i0);
                for (int j0 = 0; j0 < n; j0 += 3) {
                    int cols = Math.min(3, n - j0);
                    int b0 = bo + j0 * csb, b1 = bo + (j0 + Math.min(1, cols - 1)) * csb;
                    int b2 = bo + (j0 + Math.min(2, cols - 1)) * csb;
                    int cRow = co + i0 * rsc;
                    DotKernels.dot4x3(1, kp, a, ao + i0 * rsa, rsa, 0, rows, b, b0, b1, b2, 0, cols,
                            c, cRow, rsc, j0 * csc, (j0 + 1) * csc, (j0 + 2) * csc, accumulate);
                    for (int r = 0; r < rows && kp < k; r++) {
                        for (int j = 0; j < cols; j++) {
                            float sum = 0;
                            int ar = ao + (i0 + r) * rsa, bc = bo + (j0 + j) * csb;
                            for (int p = kp; p < k; p++) {
                                sum += a[ar + p] * b[bc + p];
                            }
                            c[cRow + r * rsc + (j0 + j) * csc] += sum;
                        }
                    }
                }
            }
        };
        if (parallel && 2L * m * n * k >= PARALLEL_FLOPS) {
            Parallel.parallelFor(blocks, 1, body);
        } else {
            body.run(0, 0, blocks);
        }
    }

    /** Runs the product on {@link TinyGemm} if one of its layouts fits (directly or transposed); false if none does. */
    private static boolean tiny(int m, int n, int k, float[] a, int ao, int rsa, int csa, float[] b, int bo, int rsb,
                                int csb, float[] c, int co, int rsc, int csc, boolean accumulate) {
        if (TinyGemm.rowsFits(n, csb, csc)) {
            TinyGemm.rows(m, n, k, a, ao, rsa, csa, b, bo, rsb, c, co, rsc, accumulate);
        } else if (TinyGemm.rowsFits(m, rsa, rsc)) {
            TinyGemm.rows(n, m, k, b, bo, csb, rsb, a, ao, csa, c, co, csc, accumulate);
        } else if (TinyGemm.dotsFits(k, csa, rsb)) {
            TinyGemm.dots(m, n, k, a, ao, rsa, b, bo, csb, c, co, rsc, csc, accumulate);
        } else {
            return false;
        }
        return true;
    }

    /** Scratch floats {@link #gemmRowTable} needs for depth {@code k}. */
    public static int rowTableScratchFloats(int k, boolean parallel) {
        return (parallel ? Parallel.threads() : 1) * (MR * NR + Math.min(KC, Math.max(k, 1)) * NR);
    }

    private static int perLane(int kc) {
        return MC * kc + MR * NR;
    }

    /** {@code C = A·B}, or {@code C += A·B} with {@code accumulate}, on strided operands (see the class doc). */
    public static void gemm(int m, int n, int k, float[] a, int ao, int rsa, int csa, float[] b, int bo, int rsb, int csb,
                            float[] c, int co, int rsc, int csc, boolean accumulate, float[] scratch, int so,
                            boolean parallel) {
        gemm(m, n, k, a, ao, rsa, csa, b, bo, rsb, csb, c, co, rsc, csc, accumulate, scratch, so, parallel, Path.AUTO);
    }

    static void gemm(int m, int n, int k, float[] a, int ao, int rsa, int csa, float[] b, int bo, int rsb, int csb,
                     float[] c, int co, int rsc, int csc, boolean accumulate, float[] scratch, int so,
                     boolean parallel, Path path) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0) {
            if (!accumulate) {
                zero(m, n, c, co, rsc, csc);
            }
            return;
        }
        if (path == Path.TINY || (path == Path.AUTO && k > 1 && 2L * m * n * k <= TINY_FLOPS)) {
            if (tiny(m, n, k, a, ao, rsa, csa, b, bo, rsb, csb, c, co, rsc, csc, accumulate)) {
                return;
            }
            if (path == Path.TINY) {
                throw new IllegalArgumentException("the tiny gemm path needs contiguous B and C rows or A rows and B columns");
            }
        }
        if (path == Path.AUTO && k == 1 && csb == 1 && csc == 1) {
            outer(m, n, a, ao, rsa, b, bo, c, co, rsc, accumulate, parallel);
            return;
        }
        if (path == Path.AUTO && csa == 1 && rsb == 1 && k >= 2 * L && Math.min(m, n) < L) {
            inner(m, n, k, a, ao, rsa, b, bo, csb, c, co, rsc, csc, accumulate, parallel);
            return;
        }
        if (path == Path.AUTO && preferTransposed(m, n, csb, csc)) {
            gemm(n, m, k, b, bo, csb, rsb, a, ao, csa, rsa, c, co, csc, rsc, accumulate, scratch, so, parallel, path);
            return;
        }
        boolean par = parallel && Parallel.threads() > 1 && 2L * m * n * k >= PARALLEL_FLOPS;
        boolean canUnpack = csb == 1 && csc == 1;
        if (path == Path.UNPACKED || (path == Path.AUTO && canUnpack && 2L * m * n * k <= UNPACKED_FLOPS)) {
            if (!canUnpack) {
                throw new IllegalArgumentException("the unpacked gemm path needs unit column strides in B and C");
            }
            unpacked(m, n, k, a, ao, rsa, csa, b, bo, rsb, null, 0, c, co, rsc, accumulate, scratch, so, par);
        } else {
            packed(m, n, k, a, ao, rsa, csa, b, bo, rsb, csb, c, co, rsc, csc, accumulate, scratch, so, par);
        }
    }

    /**
     * True when computing {@code Cᵀ = Bᵀ·Aᵀ} wastes fewer vector lanes: C is narrow (padding
     * columns to whole vectors) and tall. Contiguous C rows are kept unless the saving is large,
     * since a transposed C is stored through a tile buffer.
     */
    private static boolean preferTransposed(int m, int n, int csb, int csc) {
        long direct = (long) roundUp(m, MR) * roundUp(n, L);
        long swapped = (long) roundUp(n, MR) * roundUp(m, L);
        if (csc == 1 && csb == 1) {
            return swapped * 2 < direct;
        }
        return swapped < direct;
    }

    /**
     * {@code C = A·B} (or {@code +=}) where row {@code p} of B (unit column stride) starts at
     * {@code b[bo + bRows[br + p]]}: a convolution's implicit im2col, each row a shifted view of a
     * padded input plane, read in place. C has unit column stride. Scratch as {@link #scratchFloats}.
     */
    public static void gemmRowTable(int m, int n, int k, float[] a, int ao, int rsa, int csa, float[] b, int bo,
                                    int[] bRows, int br, float[] c, int co, int rsc, boolean accumulate,
                                    float[] scratch, int so, boolean parallel) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0) {
            if (!accumulate) {
                zero(m, n, c, co, rsc, 1);
            }
            return;
        }
        boolean par = parallel && Parallel.threads() > 1 && 2L * m * n * k >= PARALLEL_FLOPS;
        unpacked(m, n, k, a, ao, rsa, csa, b, bo, 0, bRows, br, c, co, rsc, accumulate, scratch, so, par);
    }

    /** The in-place path: B row p at {@code bo + p*rsb}, or at {@code bo + bRows[br + p]} when a table is given. */
    private static void unpacked(int m, int n, int k, float[] a, int ao, int rsa, int csa, float[] b, int bo, int rsb,
                                 int[] bRows, int br, float[] c, int co, int rsc, boolean accumulate, float[] scratch,
                                 int so, boolean par) {
        int panels = (m + MR - 1) / MR, full = n / NR * NR, rest = n - full;
        int laneSize = MR * NR + Math.min(KC, k) * NR;
        Parallel.Body body = (lane, from, to) -> {
            int tile = so + lane * laneSize, tail = tile + MR * NR;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean add = accumulate || pc > 0;
                if (rest > 0) {
                    copyTail(kc, rest, b, bo + full, rsb, bRows, br + pc, pc, scratch, tail);
                }
                // column panels outside, so one B panel (kc x NR) is reused from L1 by every row panel
                for (int j0 = 0; j0 < full; j0 += NR) {
                    for (int ip = from; ip < to; ip++) {
                        int i0 = ip * MR, rows = Math.min(MR, m - i0);
                        int aRow = ao + i0 * rsa + pc * csa, cOff = co + i0 * rsc + j0;
                        boolean direct = rows == MR;
                        float[] dst = direct ? c : scratch;
                        int dOff = direct ? cOff : tile, ldd = direct ? rsc : NR;
                        if (bRows == null) {
                            SgemmKernels.unpacked6x2(kc, a, aRow, rsa, csa, rows, b, bo + pc * rsb + j0, rsb,
                                    dst, dOff, ldd, direct && add);
                        } else {
                            SgemmKernels.unpackedRows6x2(kc, a, aRow, rsa, csa, rows, b, bo + j0, bRows, br + pc,
                                    dst, dOff, ldd, direct && add);
                        }
                        if (!direct) {
                            mergeTile(scratch, tile, rows, NR, c, cOff, rsc, 1, add);
                        }
                    }
                }
                if (rest > 0) {
                    for (int ip = from; ip < to; ip++) {
                        int i0 = ip * MR, rows = Math.min(MR, m - i0);
                        SgemmKernels.unpacked6x2(kc, a, ao + i0 * rsa + pc * csa, rsa, csa, rows, scratch, tail, NR,
                                scratch, tile, NR, false);
                        mergeTile(scratch, tile, rows, rest, c, co + i0 * rsc + full, rsc, 1, add);
                    }
                }
            }
        };
        if (par) {
            Parallel.parallelFor(panels, 1, body);
        } else {
            body.run(0, 0, panels);
        }
    }

    /**
     * Copies the last {@code cols < NR} columns of B's k-block (rows {@code pc..pc+kc}, through the
     * table when there is one) into a zero-padded {@code [kc][NR]} panel.
     */
    private static void copyTail(int kc, int cols, float[] b, int bo, int rsb, int[] bRows, int br, int pc,
                                 float[] dst, int d) {
        for (int p = 0; p < kc; p++) {
            int s = bo + (bRows == null ? (pc + p) * rsb : bRows[br + p]), t = d + p * NR;
            for (int j = 0; j < cols; j++) {
                dst[t + j] = b[s + j];
            }
            for (int j = cols; j < NR; j++) {
                dst[t + j] = 0f;
            }
        }
    }

    /** Adds (or writes) the valid {@code rows x cols} corner of a tile buffer into C. */
    static void mergeTile(float[] t, int tile, int rows, int cols, float[] c, int cOff, int rsc, int csc, boolean add) {
        for (int r = 0; r < rows; r++) {
            int s = tile + r * NR, d = cOff + r * rsc;
            for (int j = 0; j < cols; j++) {
                c[d + j * csc] = add ? c[d + j * csc] + t[s + j] : t[s + j];
            }
        }
    }

    private static void packed(int m, int n, int k, float[] a, int ao, int rsa, int csa, float[] b, int bo, int rsb,
                               int csb, float[] c, int co, int rsc, int csc, boolean accumulate, float[] scratch, int so,
                               boolean par) {
        int bRegion = so;
        int laneBase = so + Math.min(KC, k) * Math.min(roundUp(n, NR), NC);
        int laneSize = perLane(Math.min(KC, k));
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean add = accumulate || pc > 0;
                int bSrc = bo + pc * rsb + jc * csb;
                int panels = (nc + NR - 1) / NR;
                Parallel.Body pack = (lane, from, to) -> SgemmPacking.packB(Math.min(nc, to * NR) - from * NR, kc, b,
                        bSrc + from * NR * csb, rsb, csb, scratch, bRegion + from * NR * kc);
                Block block = new Block(m, nc, kc, a, ao + pc * csa, rsa, csa, scratch, bRegion,
                        c, co + jc * csc, rsc, csc, add, laneBase, laneSize);
                if (par) {
                    Parallel.parallelFor(panels, 8, pack);
                    int mBlocks = (m + MC - 1) / MC;
                    int splits = Math.max(1, Math.min(panels / 4, ceilDiv(Parallel.threads() * 3, mBlocks)));
                    Parallel.parallelFor(mBlocks * splits, 1, (lane, from, to) -> block.run(lane, from, to, splits));
                } else {
                    pack.run(0, 0, panels);
                    block.run(0, 0, (m + MC - 1) / MC, 1);
                }
            }
        }
    }

    /** One packed k-block of B against all of A: tasks are (row block of MC, column split). */
    private record Block(int m, int nc, int kc, float[] a, int ao, int rsa, int csa, float[] bp, int bRegion,
                         float[] c, int co, int rsc, int csc, boolean add, int laneBase, int laneSize) {
        void run(int lane, int from, int to, int splits) {
            int aPack = laneBase + lane * laneSize, tile = aPack + MC * kc;
            int panels = (nc + NR - 1) / NR;
            int packedRowBlock = -1;
            for (int t = from; t < to; t++) {
                int ib = t / splits, split = t % splits;
                int i0 = ib * MC, mb = Math.min(MC, m - i0);
                if (ib != packedRowBlock) {
                    SgemmPacking.packA(mb, kc, a, ao + i0 * rsa, rsa, csa, bp, aPack);
                    packedRowBlock = ib;
                }
                int p0 = (int) ((long) panels * split / splits), p1 = (int) ((long) panels * (split + 1) / splits);
                macro(i0, mb, p0, p1, aPack, tile);
            }
        }

        private void macro(int i0, int mb, int p0, int p1, int aPack, int tile) {
            for (int jp = p0; jp < p1; jp++) {
                int j0 = jp * NR, cols = Math.min(NR, nc - j0), width = SgemmPacking.panelWidth(cols);
                int bOff = bRegion + j0 * kc;
                for (int ip = 0; ip < mb; ip += MR) {
                    int rows = Math.min(MR, mb - ip), aOff = aPack + ip * kc;
                    int cOff = co + (i0 + ip) * rsc + j0 * csc;
                    if (rows == MR && cols == width && csc == 1) {
                        kernel(width, aOff, bOff, c, cOff, rsc, add);
                    } else {
                        kernel(width, aOff, bOff, bp, tile, NR, false);
                        mergeTile(bp, tile, rows, cols, c, cOff, rsc, csc, add);
                    }
                }
            }
        }

        /** Runs the micro-kernel for a panel of {@code width} columns (packed A and B both live in {@code bp}). */
        private void kernel(int width, int aOff, int bOff, float[] dst, int dOff, int ldd, boolean accumulate) {
            if (width == L) {
                SgemmKernels.packed6x1(kc, bp, aOff, bp, bOff, dst, dOff, ldd, accumulate);
            } else {
                SgemmKernels.packed6x2(kc, bp, aOff, bp, bOff, dst, dOff, ldd, accumulate);
            }
        }
    }

    static void zero(int m, int n, float[] c, int co, int rsc, int csc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                c[co + i * rsc + j * csc] = 0f;
            }
        }
    }

    static int roundUp(int x, int to) {
        return (x + to - 1) / to * to;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
