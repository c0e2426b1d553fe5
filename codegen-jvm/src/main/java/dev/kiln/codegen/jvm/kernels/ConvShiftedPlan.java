package dev.kiln.codegen.jvm.kernels;

import java.util.Arrays;

/**
 * The f32 convolution with unit strides and no lhs dilation (forward convolutions and their
 * input gradients in the paper's CNNs) as an implicit im2col: the input planes of an example are
 * copied once into a zero-padded buffer, and then row {@code (i, t)} of the im2col matrix is that
 * padded plane shifted by tap t, so the GEMM reads it in place through a row table
 * ({@link Sgemm#gemmRowTable}) instead of materialising {@code taps} copies.
 *
 * <p>The output is computed on the padded grid ("wide" rows: each output row followed by
 * {@code (k-1)*rhsDilation} junk columns) and its valid part copied out; the planner uses this
 * only where the junk is a small fraction.
 */
final class ConvShiftedPlan implements ConvPlan {
    private final ConvGeometry g;
    /** Padded extent read along each spatial dim: out + (k-1)*rhsDilation. */
    private final int[] padded;
    private final int[] paddedStrides;
    private final int plane;
    /** Columns of the wide output: flat padded index of the last valid output position, plus one. */
    private final int wide;
    /** Row (i, t) of the implicit im2col matrix starts at {@code rows[i*taps + t]} in the padded buffer. */
    private final int[] rows;
    private final int[] inStrides;
    private final boolean overTiles;
    private final int laneSize;

    ConvShiftedPlan(ConvGeometry g) {
        this.g = g;
        int d = g.rank();
        padded = new int[d];
        for (int s = 0; s < d; s++) {
            padded[s] = g.out()[s] + (g.k()[s] - 1) * g.rhsDilation()[s];
        }
        paddedStrides = Permute.rowMajorStrides(padded);
        plane = ConvGeometry.product(padded);
        inStrides = Permute.rowMajorStrides(g.in());
        wide = wideColumns(g, paddedStrides);
        int taps = g.taps();
        rows = new int[g.i() * taps];
        for (int t = 0; t < taps; t++) {
            int[] ti = Im2col.unravel(t, g.k());
            int off = 0;
            for (int s = 0; s < d; s++) {
                off += ti[s] * g.rhsDilation()[s] * paddedStrides[s];
            }
            for (int ii = 0; ii < g.i(); ii++) {
                rows[ii * taps + t] = ii * plane + off;
            }
        }
        int tiles = g.outBatch() * g.groups();
        overTiles = tiles >= Parallel.threads() || g.flops() < Sgemm.PARALLEL_FLOPS;
        laneSize = g.i() * plane + g.og() * wide + Sgemm.rowTableScratchFloats(g.depth(), !overTiles);
    }

    static int wideColumns(ConvGeometry g, int[] paddedStrides) {
        int w = 1;
        for (int s = 0; s < g.rank(); s++) {
            w += (g.out()[s] - 1) * paddedStrides[s];
        }
        return w;
    }

    /** Output columns computed per real output position (1 = no junk). */
    static double junkRatio(ConvGeometry g) {
        int[] padded = new int[g.rank()];
        for (int s = 0; s < g.rank(); s++) {
            padded[s] = g.out()[s] + (g.k()[s] - 1) * g.rhsDilation()[s];
        }
        return wideColumns(g, Permute.rowMajorStrides(padded)) / (double) Math.max(1, g.outPositions());
    }

    @Override
    public int scratchSize() {
        return (overTiles ? Parallel.threads() : 1) * laneSize;
    }

    @Override
    public void run(float[] lhs, int lo, float[] rhs, int ro, float[] out, int oo, float[] scratch, int so) {
        int tiles = g.outBatch() * g.groups();
        if (overTiles) {
            Parallel.parallelFor(tiles, Parallel.grainFor(g.flops() / Math.max(1, tiles)), (lane, from, to) -> {
                for (int tile = from; tile < to; tile++) {
                    tile(tile, lhs, lo, rhs, ro, out, oo, scratch, so + lane * laneSize, false);
                }
            });
        } else {
            for (int tile = 0; tile < tiles; tile++) {
                tile(tile, lhs, lo, rhs, ro, out, oo, scratch, so, true);
            }
        }
    }

    /** Output example n' of group gr: pad its input planes, one GEMM over all (i, t), copy out. */
    private void tile(int tile, float[] lhs, int lo, float[] rhs, int ro, float[] out, int oo, float[] scratch, int base,
                      boolean parallelGemm) {
        int nOut = tile / g.groups(), group = tile % g.groups();
        int xp = base, wideOut = xp + g.i() * plane, gemmScratch = wideOut + g.og() * wide;
        for (int ii = 0; ii < g.i(); ii++) {
            int src = lo + (g.lhsBatch(group, nOut) * g.c() + g.lhsFeature(group, ii)) * g.inPositions();
            padPlane(lhs, src, scratch, xp + ii * plane);
        }
        int depth = g.depth();
        Sgemm.gemmRowTable(g.og(), wide, depth, rhs, ro + group * g.og() * depth, depth, 1, scratch, xp, rows, 0,
                scratch, wideOut, wide, false, scratch, gemmScratch, parallelGemm);
        int positions = g.outPositions();
        for (int o = 0; o < g.og(); o++) {
            int dst = oo + (nOut * g.o() + group * g.og() + o) * positions;
            copyValid(scratch, wideOut + o * wide, out, dst);
        }
    }

    /** Copies one input plane into the zero-padded buffer (negative padding crops). */
    private void padPlane(float[] lhs, int src, float[] dst, int d) {
        int r = g.rank(), last = r - 1;
        int width = padded[last], rowsCount = plane / Math.max(1, width);
        int lead = g.padLow()[last];
        int from = Math.max(0, lead), to = Math.min(width, g.in()[last] + lead);
        int[] u = new int[r];
        for (int row = 0; row < rowsCount; row++) {
            int rowStart = d + row * width;
            Im2col.unravel(row * width, padded, u);
            int s = src;
            boolean real = from < to;
            for (int x = 0; x < last && real; x++) {
                int pos = u[x] - g.padLow()[x];
                real = pos >= 0 && pos < g.in()[x];
                s += pos * inStrides[x];
            }
            if (!real) {
                Arrays.fill(dst, rowStart, rowStart + width, 0f);
                continue;
            }
            Arrays.fill(dst, rowStart, rowStart + from, 0f);
            System.arraycopy(lhs, s + from - lead, dst, rowStart + from, to - from);
            Arrays.fill(dst, rowStart + to, rowStart + width, 0f);
        }
    }

    /** Copies the valid outputs of one wide output row set to the dense output map. */
    private void copyValid(float[] wideBuf, int src, float[] out, int dst) {
        int r = g.rank(), last = r - 1, width = g.out()[last];
        int rowsCount = g.outPositions() / Math.max(1, width);
        int[] q = new int[r];
        for (int row = 0; row < rowsCount; row++) {
            Im2col.unravel(row * width, g.out(), q);
            int s = src;
            for (int x = 0; x < last; x++) {
                s += q[x] * paddedStrides[x];
            }
            System.arraycopy(wideBuf, s, out, dst + row * width, width);
        }
    }

    @Override
    public String toString() {
        return "shifted-view im2col, wide " + wide + " for " + g.outPositions() + " positions"
                + (overTiles ? " over examples" : " gemm-parallel");
    }
}
