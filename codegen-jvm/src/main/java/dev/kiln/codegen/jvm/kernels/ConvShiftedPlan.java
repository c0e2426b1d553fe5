package dev.kiln.codegen.jvm.kernels;

/**
 * The f32 convolution without lhs dilation (forward convolutions and the input gradients of
 * unit-stride ones in the paper's CNNs) as an implicit im2col: the input planes of an example are
 * copied once into a zero-padded buffer, and then row {@code (i, t)} of the im2col matrix is that
 * padded plane shifted by tap t, so the GEMM reads it in place through a row table
 * ({@link Sgemm#gemmRowTable}) instead of materialising {@code taps} copies. Strided convolutions
 * split the buffer into polyphase planes ({@link PaddedPlane}) so the rows stay contiguous.
 *
 * <p>The output is computed on the padded grid ("wide" rows: each output row followed by a few
 * junk columns) and its valid part copied out; the planner uses this only where the junk is a
 * small fraction.
 */
final class ConvShiftedPlan implements ConvPlan {
    private final ConvGeometry g;
    /** Strides of the output grid inside a (phase) plane of the padded buffer. */
    private final int[] paddedStrides;
    private final int plane;
    /** Columns of the wide output: flat padded index of the last valid output position, plus one. */
    private final int wide;
    /** Row (i, t) of the implicit im2col matrix starts at {@code rows[i*taps + t]} in the padded buffer. */
    private final int[] rows;
    private final PaddedPlane pad;
    private final boolean overTiles;
    private final int laneSize;

    ConvShiftedPlan(ConvGeometry g) {
        this.g = g;
        int d = g.rank();
        pad = new PaddedPlane(g, PaddedPlane.extent(g), g.stride());
        plane = pad.size();
        paddedStrides = pad.subStrides();
        wide = wideColumns(g, paddedStrides);
        int taps = g.taps();
        rows = new int[g.i() * taps];
        int[] ti = new int[d];
        for (int t = 0; t < taps; t++) {
            Im2col.unravel(t, g.k(), ti);
            int off = 0;
            for (int s = 0; s < d; s++) {
                off += pad.dimOffset(s, ti[s] * g.rhsDilation()[s]);
            }
            for (int ii = 0; ii < g.i(); ii++) {
                rows[ii * taps + t] = ii * plane + off;
            }
        }
        int tiles = g.outBatch() * g.groups();
        overTiles = tiles >= Parallel.threads() || g.flops() < Sgemm.PARALLEL_FLOPS;
        laneSize = g.i() * plane + g.og() * wide + Sgemm.rowTableScratchFloats(g.depth(), !overTiles);
    }

    /** Columns of the wide output: the flat sub-grid index of the last output position, plus one. */
    static int wideColumns(ConvGeometry g, int[] subStrides) {
        int w = 1;
        for (int s = 0; s < g.rank(); s++) {
            w += (g.out()[s] - 1) * subStrides[s];
        }
        return w;
    }

    /** Output columns computed per real output position (1 = no junk). */
    static double junkRatio(ConvGeometry g) {
        int[] sub = PaddedPlane.extent(g);
        for (int s = 0; s < g.rank(); s++) {
            sub[s] = (sub[s] + g.stride()[s] - 1) / g.stride()[s];
        }
        return wideColumns(g, Permute.rowMajorStrides(sub)) / (double) Math.max(1, g.outPositions());
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
        int[] u = new int[g.rank()];
        for (int ii = 0; ii < g.i(); ii++) {
            int src = lo + (g.lhsBatch(group, nOut) * g.c() + g.lhsFeature(group, ii)) * g.inPositions();
            pad.copy(lhs, src, scratch, xp + ii * plane, u);
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
