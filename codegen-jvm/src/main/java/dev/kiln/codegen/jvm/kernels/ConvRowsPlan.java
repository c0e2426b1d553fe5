package dev.kiln.codegen.jvm.kernels;

import java.util.Arrays;

/**
 * The f32 convolution as an implicit GEMM with output positions as rows: for each group and
 * output phase ({@link RowsLayout}), {@code C[(n', q), o] = sum_{i, t} A[(n', q), (i, t)] · W[o, i, t]},
 * where {@code A[(n', q), (i, t)]} is the input of example n', feature i, read by output position
 * q through tap t. A is never unfolded: it is read in place (no read leaves the input) or from a
 * zero-padded copy of a tile's input planes, through two offset tables ({@link GatherKernels}), one
 * entry per row and one per depth step. The weights are packed once per call, transposed into
 * panels of output features, so the vectors run along output features and every lane holds a
 * real result. With lhs dilation (input gradients of strided convolutions) each output phase only
 * multiplies the taps that meet real input elements: the holes are never read.
 *
 * <p>The rows span examples, so a convolution with a 4x4 output still fills whole register
 * tiles, and the kernel-gradient convolutions of autodiff (rows = kernel taps, depth = the
 * forward output positions; per example, one group per example) are the same loop. A tile is
 * stored through a small buffer into the NCHW output (each row a position, features {@code Q}
 * apart), which is what makes the plan slow on large feature maps: see {@link #suits}.
 *
 * <p>Tiles are (group, a chunk of examples), spread over the lanes; a tile pads its examples'
 * input planes into the lane's scratch when needed, then runs every phase and panel of output
 * features over all its rows, the whole depth in registers.
 */
final class ConvRowsPlan implements ConvPlan {
    /** Rows (output positions over examples) a tile aims for. */
    static final int ROWS_TARGET = 384;
    /** Floats of padded input planes a tile may hold (about 192 KB). */
    static final int PLANES_TARGET = 48 * 1024;

    private final ConvGeometry g;
    private final RowsLayout layout;
    private final int plane;
    /** Per phase: offset of each depth step (input feature, real tap) within one example's planes. */
    private final int[][] kAt;
    /** Per phase: offset of the phase's packed weights within one (group, panel) block. */
    private final int[] packAt;
    /** Packed weights per (group, panel): the sum over phases of depth * width. */
    private final int panelBlock;
    private final int width;
    private final int tileRows;
    private final int panels;
    private final int examplesPerTile;
    private final int exampleTiles;
    private final int tiles;
    private final int maxRows;
    private final int packed;
    private final int laneSize;
    private final int planesSize;

    private ConvRowsPlan(ConvGeometry g, RowsLayout layout) {
        this.g = g;
        this.layout = layout;
        plane = layout.plane();
        RowsLayout.Phase[] phases = layout.phases();
        kAt = new int[phases.length][];
        packAt = new int[phases.length];
        boolean two = g.og() > SgemmKernels.L;
        width = two ? 2 * SgemmKernels.L : SgemmKernels.L;
        tileRows = two ? GatherKernels.ROWS2 : GatherKernels.ROWS1;
        int block = 0, mostPositions = 0;
        for (int p = 0; p < phases.length; p++) {
            int[] tapIn = phases[p].tapIn();
            kAt[p] = new int[g.i() * tapIn.length];
            for (int ii = 0; ii < g.i(); ii++) {
                for (int t = 0; t < tapIn.length; t++) {
                    kAt[p][ii * tapIn.length + t] = ii * plane + tapIn[t];
                }
            }
            packAt[p] = block;
            block += kAt[p].length * width;
            mostPositions = Math.max(mostPositions, phases[p].positions());
        }
        panelBlock = block;
        panels = ceilDiv(g.og(), width);
        long perExample = (long) g.i() * plane;
        int positions = g.outPositions();
        int e = Math.max(1, ROWS_TARGET / Math.max(1, positions));
        if (!layout.direct()) {
            e = (int) Math.min(e, Math.max(1, PLANES_TARGET / Math.max(1, perExample)));
        }
        e = Math.min(e, g.outBatch());
        while (e > 1 && (long) g.groups() * ceilDiv(g.outBatch(), e) < 2L * Parallel.threads()) {
            e = ceilDiv(e, 2);
        }
        examplesPerTile = e;
        exampleTiles = ceilDiv(g.outBatch(), e);
        tiles = g.groups() * exampleTiles;
        maxRows = e * mostPositions;
        packed = Math.toIntExact((long) g.groups() * panels * panelBlock);
        planesSize = layout.direct() ? 0 : Math.toIntExact(e * perExample);
        laneSize = Math.toIntExact(planesSize + (long) tileRows * width);
    }

    /** The plan, or null where it does not apply (rank 0, or lhs dilation with a stride). */
    static ConvRowsPlan of(ConvGeometry g) {
        RowsLayout layout = RowsLayout.of(g);
        return layout == null ? null : new ConvRowsPlan(g, layout);
    }

    /**
     * Worth using (measured against the other plans on the paper CNNs' convolutions): small
     * feature maps, where the other plans waste their vectors on short rows, and the output's
     * features {@code Q} apart stay few cache lines; kernel-gradient convolutions with long
     * kernels ({@link ConvDotPlan}'s case: 128 taps and more, 512 per example, where its long
     * dot products win over this plan's deep gathers) excepted.
     */
    static boolean suits(ConvGeometry g) {
        int longKernel = g.groups() > 1 ? 512 : 128;
        return g.outPositions() <= 256 && !(ConvDotPlan.suits(g) && g.taps() >= longKernel);
    }

    @Override
    public int scratchSize() {
        return Math.toIntExact(packed + (long) Parallel.threads() * laneSize);
    }

    @Override
    public void run(float[] lhs, int lo, float[] rhs, int ro, float[] out, int oo, float[] scratch, int so) {
        int jobs = g.groups() * panels;
        Parallel.parallelFor(jobs, Parallel.grainFor(4L * panelBlock), (lane, from, to) -> {
            for (int j = from; j < to; j++) {
                pack(j / panels, j % panels, rhs, ro, scratch, so);
            }
        });
        long tileFlops = 2L * examplesPerTile * g.outPositions() * g.og() * g.depth();
        Parallel.parallelFor(tiles, Parallel.grainFor(tileFlops), (lane, from, to) -> {
            int[] rows = new int[maxRows + tileRows];
            int base = so + packed + lane * laneSize;
            if (!layout.direct() && layout.pad().hasPadding()) {
                // every plane slot has the same padding positions: zero them once, tiles write the rest
                Arrays.fill(scratch, base, base + planesSize, 0f);
            }
            for (int t = from; t < to; t++) {
                tile(t, lhs, lo, out, oo, scratch, so, base, rows);
            }
        });
    }

    /** Weights of one group's panel of output features, per phase transposed: {@code [depth][width]}, zero past og. */
    private void pack(int group, int panel, float[] rhs, int ro, float[] dst, int so) {
        int block = so + (group * panels + panel) * panelBlock;
        int o0 = panel * width, cols = Math.min(width, g.og() - o0), taps = g.taps();
        RowsLayout.Phase[] phases = layout.phases();
        for (int p = 0; p < phases.length; p++) {
            int[] tapIds = phases[p].taps();
            int d = block + packAt[p], depth = kAt[p].length;
            for (int c = 0; c < cols; c++) {
                int src = ro + (group * g.og() + o0 + c) * g.depth();
                for (int ii = 0, k = 0; ii < g.i(); ii++) {
                    for (int t : tapIds) {
                        dst[d + k++ * width + c] = rhs[src + ii * taps + t];
                    }
                }
            }
            for (int c = cols; c < width; c++) {
                for (int k = 0; k < depth; k++) {
                    dst[d + k * width + c] = 0f;
                }
            }
        }
    }

    private void tile(int tile, float[] lhs, int lo, float[] out, int oo, float[] scratch, int so, int base,
                      int[] rows) {
        int group = tile / exampleTiles, n0 = tile % exampleTiles * examplesPerTile;
        int n1 = Math.min(g.outBatch(), n0 + examplesPerTile);
        float[] a = layout.direct() ? lhs : scratch;
        int[] exampleAt = new int[n1 - n0];
        for (int n = n0; n < n1; n++) {
            int src = lo + (g.lhsBatch(group, n) * g.c() + g.lhsFeature(group, 0)) * g.inPositions();
            if (layout.direct()) {
                exampleAt[n - n0] = src;
                continue;
            }
            exampleAt[n - n0] = base + (n - n0) * g.i() * plane;
            for (int ii = 0; ii < g.i(); ii++) {
                layout.pad().copyReal(lhs, src + ii * g.inPositions(), scratch, exampleAt[n - n0] + ii * plane);
            }
        }
        int tileBuf = base + planesSize;
        int outBase = oo + (n0 * g.o() + group * g.og()) * g.outPositions();
        RowsLayout.Phase[] phases = layout.phases();
        for (int p = 0; p < phases.length; p++) {
            RowsLayout.Phase phase = phases[p];
            int count = fillRows(phase, exampleAt, rows);
            if (count == 0) {
                continue;
            }
            for (int panel = 0; panel < panels; panel++) {
                int bo = so + (group * panels + panel) * panelBlock + packAt[p];
                int cols = Math.min(width, g.og() - panel * width);
                int colBase = outBase + panel * width * g.outPositions();
                for (int r0 = 0; r0 < count; r0 += tileRows) {
                    if (width > SgemmKernels.L) {
                        GatherKernels.gather6x2(kAt[p].length, a, rows, r0, kAt[p], 0, scratch, bo, scratch, tileBuf);
                    } else {
                        GatherKernels.gather12x1(kAt[p].length, a, rows, r0, kAt[p], 0, scratch, bo, scratch, tileBuf);
                    }
                    scatter(scratch, tileBuf, Math.min(tileRows, count - r0), cols, out, colBase, phase, r0);
                }
            }
        }
    }

    /** Source offsets of the phase's rows over the tile's examples; rows past the count repeat the last. */
    private int fillRows(RowsLayout.Phase phase, int[] exampleAt, int[] rows) {
        int positions = phase.positions(), count = exampleAt.length * positions;
        if (count == 0) {
            return 0;
        }
        int[] rowIn = phase.rowIn();
        for (int n = 0, r = 0; n < exampleAt.length; n++) {
            for (int q = 0; q < positions; q++) {
                rows[r++] = exampleAt[n] + rowIn[q];
            }
        }
        for (int r = count; r < count + tileRows; r++) {
            rows[r] = rows[count - 1]; // ragged last block: repeat a real row, results dropped
        }
        return count;
    }

    /** Tile rows {@code r0..} (example-major positions of the phase) into the output, features {@code Q} apart. */
    private void scatter(float[] t, int tileBuf, int rowCount, int cols, float[] out, int colBase,
                         RowsLayout.Phase phase, int r0) {
        int positions = phase.positions(), q0 = g.outPositions(), exampleStride = g.o() * q0;
        int[] rowOut = phase.rowOut();
        for (int r = 0; r < rowCount; r++) {
            int row = r0 + r;
            int dst = colBase + row / positions * exampleStride + rowOut[row % positions], src = tileBuf + r * width;
            for (int c = 0; c < cols; c++) {
                out[dst + c * q0] = t[src + c];
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    @Override
    public String toString() {
        return "gathered rows" + (layout.direct() ? " in place" : "") + ", " + layout.phases().length + " phase(s), "
                + tileRows + "x" + width + " tiles, depth " + g.depth() + ", " + tiles + " tiles of " + examplesPerTile
                + " examples";
    }
}
