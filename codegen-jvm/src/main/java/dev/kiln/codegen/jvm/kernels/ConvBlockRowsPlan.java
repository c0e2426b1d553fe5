package dev.kiln.codegen.jvm.kernels;

import static dev.kiln.codegen.jvm.kernels.SgemmKernels.L;
import static dev.kiln.codegen.jvm.kernels.SgemmKernels.S;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * The f32 convolution with a tiny output map, stored block by block: the kernel-gradient
 * convolutions of autodiff, above all their per-example form (feature groups = batch, one input
 * feature per group), whose output is one kernel's taps ({@code Q = 9} for 3x3) per (input
 * channel, example, output channel). The products are {@link ConvRowsPlan}'s implicit GEMM
 * (rows = output positions of a few examples, depth = input feature x kernel tap gathered through
 * offset tables, vectors along output features), but the rows plan writes each tile into the
 * NCHW output with features {@code Q} floats apart: one scalar store per result, as many as the
 * flops when the contraction is short (a 4x4 map contracts only 16 taps).
 *
 * <p>Here a block of examples is computed for one panel of output features into a small buffer
 * {@code [rows][width]}; its transpose, {@code [features][Q]} per example, is exactly a contiguous
 * run of the output, read back with vector gathers through a fixed index map and stored as whole
 * vectors ({@code width * Q} is a multiple of the vector length). Examples per block are chosen so
 * the block's rows fill whole register tiles ({@code Q = 9}: 4 examples, 36 rows, three 12-row
 * tiles), so no lanes are spent on padding rows.
 *
 * <p>Tiles are (group, chunk of examples) spread over the lanes; a tile packs its group's weights
 * into the lane's scratch once ({@code [panel][depth][width]}) and pads its examples' input
 * planes when some read falls outside the input.
 *
 * <p>Measured on the shared 2-core Zen 4 ({@code ConvPlansBenchmark pekg}, one thread, CPU time,
 * batch 128), against the rows plan it replaces: CIFAR 128->256 at 4x4 36 ms (was 53), 128->128
 * at 8x8 42 (54), 64->128 at 8x8 20 (25), 64->64 at 16x16 33 (38), 32->64 at 16x16 17 (21);
 * MNIST conv2 1.19 ms (1.39). What is left at 4x4 is memory: the output (151 MB for 1.2 GFLOP)
 * costs about 16 ms to write even as a plain copy, and the gathers of the transpose about 10 more.
 * Packing the gathered rows once per block for the packed GEMM kernel, and running panels
 * outermost, measured no faster.
 */
final class ConvBlockRowsPlan implements ConvPlan {
    /**
     * Most output positions per feature map (the MNIST CNN's first kernel gradient has 64, 8x8
     * taps, and gains a little too): a block's tile stays within about 24 KB.
     */
    static final int MAX_POSITIONS = 64;
    /** Floats of padded input planes a tile may hold (about 192 KB). */
    static final int PLANES_TARGET = 48 * 1024;
    /** Most examples per block when rows cannot fill whole register tiles exactly. */
    static final int MAX_BLOCK = 8;

    private final ConvGeometry g;
    private final RowsLayout layout;
    private final RowsLayout.Phase phase;
    private final int plane;
    private final int q;
    /** Offset of each depth step (input feature, kernel tap) within one example's planes. */
    private final int[] kAt;
    private final int width;
    private final int tileRows;
    private final int panels;
    private final int block;
    private final int blockRows;
    private final int examplesPerTile;
    private final int exampleTiles;
    private final int tiles;
    /** Lane {@code f} of a panel's transposed block reads tile element {@code map[f]}: {@code (f % Q) * width + f / Q}. */
    private final int[] map;
    private final int packedSize;
    private final int planesSize;
    private final int laneSize;

    private ConvBlockRowsPlan(ConvGeometry g, RowsLayout layout) {
        this.g = g;
        this.layout = layout;
        this.phase = layout.phases()[0];
        this.plane = layout.plane();
        this.q = g.outPositions();
        int[] tapIn = phase.tapIn();
        kAt = new int[g.i() * tapIn.length];
        for (int ii = 0; ii < g.i(); ii++) {
            for (int t = 0; t < tapIn.length; t++) {
                kAt[ii * tapIn.length + t] = ii * plane + tapIn[t];
            }
        }
        boolean two = g.og() > L;
        width = two ? 2 * L : L;
        tileRows = two ? GatherKernels.ROWS2 : GatherKernels.ROWS1;
        panels = ceilDiv(g.og(), width);
        int exact = tileRows / gcd(tileRows, q);
        block = Math.min(g.outBatch(), Math.min(exact, MAX_BLOCK));
        blockRows = ceilDiv(block * q, tileRows) * tileRows;
        long perExample = (long) g.i() * plane;
        int e = g.outBatch();
        if (!layout.direct()) {
            e = (int) Math.min(e, Math.max(block, PLANES_TARGET / Math.max(1, perExample) / block * block));
        }
        while (e > block && (long) g.groups() * ceilDiv(g.outBatch(), e) < 4L * Parallel.threads()) {
            e = Math.max(block, ceilDiv(e, 2) / block * block);
        }
        examplesPerTile = e;
        exampleTiles = ceilDiv(g.outBatch(), e);
        tiles = g.groups() * exampleTiles;
        map = new int[width * q];
        for (int f = 0; f < map.length; f++) {
            map[f] = f % q * width + f / q;
        }
        packedSize = Math.toIntExact((long) panels * kAt.length * width);
        planesSize = layout.direct() ? 0 : Math.toIntExact(e * perExample);
        laneSize = Math.toIntExact(packedSize + planesSize + (long) blockRows * width);
    }

    /**
     * Worth using (measured against the other plans on the paper CNNs' convolutions): the
     * per-example kernel gradients (grouped) with at most {@link #MAX_POSITIONS} outputs a map,
     * but for long kernels ({@link ConvDotPlan}'s case, 512 taps and more, where its long dot
     * products win). Ungrouped kernel gradients contract over the whole batch: their deep
     * weights would be packed again for every tile, so {@link ConvRowsPlan} keeps them.
     */
    static boolean suits(ConvGeometry g) {
        return g.groups() > 1 && g.outPositions() <= MAX_POSITIONS && !(ConvDotPlan.suits(g) && g.taps() >= 512);
    }

    /** The plan, or null where it does not apply (rank 0, lhs dilation, or more than {@link #MAX_POSITIONS} outputs a map). */
    static ConvBlockRowsPlan of(ConvGeometry g) {
        if (g.rank() == 0 || g.lhsDilated() || g.outPositions() > MAX_POSITIONS) {
            return null;
        }
        RowsLayout layout = RowsLayout.of(g);
        return layout == null ? null : new ConvBlockRowsPlan(g, layout);
    }

    @Override
    public int scratchSize() {
        return Math.toIntExact((long) Parallel.threads() * laneSize);
    }

    @Override
    public void run(float[] lhs, int lo, float[] rhs, int ro, float[] out, int oo, float[] scratch, int so) {
        long tileFlops = 2L * examplesPerTile * q * g.og() * g.depth();
        Parallel.parallelFor(tiles, Parallel.grainFor(tileFlops), (lane, from, to) -> {
            int base = so + lane * laneSize;
            if (planesSize > 0 && layout.pad().hasPadding()) {
                // every plane slot has the same padding positions: zero them once, tiles write the rest
                Arrays.fill(scratch, base + packedSize, base + packedSize + planesSize, 0f);
            }
            int[] rows = new int[blockRows];
            int[] exampleAt = new int[examplesPerTile];
            for (int t = from; t < to; t++) {
                tile(t, lhs, lo, rhs, ro, out, oo, scratch, base, rows, exampleAt);
            }
        });
    }

    private void tile(int tile, float[] lhs, int lo, float[] rhs, int ro, float[] out, int oo, float[] scratch,
                      int base, int[] rows, int[] exampleAt) {
        int group = tile / exampleTiles, n0 = tile % exampleTiles * examplesPerTile;
        int n1 = Math.min(g.outBatch(), n0 + examplesPerTile);
        pack(group, rhs, ro, scratch, base);
        int planes = base + packedSize, tileBuf = planes + planesSize;
        for (int n = n0; n < n1; n++) {
            int src = lo + (g.lhsBatch(group, n) * g.c() + g.lhsFeature(group, 0)) * g.inPositions();
            if (layout.direct()) {
                exampleAt[n - n0] = src;
                continue;
            }
            exampleAt[n - n0] = planes + (n - n0) * g.i() * plane;
            for (int ii = 0; ii < g.i(); ii++) {
                layout.pad().copyReal(lhs, src + ii * g.inPositions(), scratch, exampleAt[n - n0] + ii * plane);
            }
        }
        float[] a = layout.direct() ? lhs : scratch;
        int depth = kAt.length;
        for (int nb = n0; nb < n1; nb += block) {
            int count = Math.min(block, n1 - nb), real = count * q;
            fillRows(exampleAt, nb - n0, count, rows);
            for (int panel = 0; panel < panels; panel++) {
                int bo = base + panel * depth * width;
                for (int r0 = 0; r0 < real; r0 += tileRows) {
                    if (width > L) {
                        GatherKernels.gather6x2(depth, a, rows, r0, kAt, 0, scratch, bo, scratch, tileBuf + r0 * width);
                    } else {
                        GatherKernels.gather12x1(depth, a, rows, r0, kAt, 0, scratch, bo, scratch, tileBuf + r0 * width);
                    }
                }
                int dst = oo + (nb * g.o() + group * g.og() + panel * width) * q;
                store(scratch, tileBuf, count, Math.min(width, g.og() - panel * width), out, dst);
            }
        }
    }

    /** Weights of the group, per panel transposed: {@code [panel][depth][width]}, zero past og. */
    private void pack(int group, float[] rhs, int ro, float[] dst, int d) {
        int depth = kAt.length, taps = g.taps();
        int[] tapIds = phase.taps();
        for (int panel = 0; panel < panels; panel++) {
            int o0 = panel * width, cols = Math.min(width, g.og() - o0), p0 = d + panel * depth * width;
            for (int c = 0; c < cols; c++) {
                int src = ro + (group * g.og() + o0 + c) * g.depth();
                for (int ii = 0, k = 0; ii < g.i(); ii++) {
                    for (int t : tapIds) {
                        dst[p0 + k++ * width + c] = rhs[src + ii * taps + t];
                    }
                }
            }
            for (int k = 0; cols < width && k < depth; k++) {
                Arrays.fill(dst, p0 + k * width + cols, p0 + (k + 1) * width, 0f);
            }
        }
    }

    /** Rows of a block: each example's output positions in turn; rows past the block's repeat the last. */
    private void fillRows(int[] exampleAt, int e0, int count, int[] rows) {
        int[] rowIn = phase.rowIn();
        int r = 0;
        for (int n = 0; n < count; n++) {
            for (int x = 0; x < q; x++) {
                rows[r++] = exampleAt[e0 + n] + rowIn[x];
            }
        }
        for (; r < blockRows; r++) {
            rows[r] = rows[count * q - 1]; // ragged block: repeat a real row, results dropped
        }
    }

    /**
     * The block's tile {@code [example][position][width]} transposed into the output: per example
     * the panel's {@code cols} features x Q positions, one contiguous run; whole panels go as
     * vectors gathered through {@link #map}.
     */
    private void store(float[] t, int tileBuf, int count, int cols, float[] out, int dst) {
        int exampleStride = g.o() * q, run = cols * q;
        for (int n = 0; n < count; n++) {
            int src = tileBuf + n * q * width, d = dst + n * exampleStride;
            if (cols == width) {
                for (int f = 0; f < run; f += L) {
                    FloatVector.fromArray(S, t, src, map, f).intoArray(out, d + f);
                }
            } else {
                for (int f = 0; f < run; f++) {
                    out[d + f] = t[src + map[f]];
                }
            }
        }
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    @Override
    public String toString() {
        return "block rows" + (layout.direct() ? " in place" : "") + ", " + tileRows + "x" + width + " tiles, blocks of "
                + block + " examples, depth " + g.depth() + ", " + tiles + " tiles of " + examplesPerTile + " examples";
    }
}
