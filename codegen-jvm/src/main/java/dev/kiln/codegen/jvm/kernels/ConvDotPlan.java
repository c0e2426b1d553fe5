package dev.kiln.codegen.jvm.kernels;

import java.util.Arrays;

/**
 * The f32 convolution whose kernel is large and whose output is small: the kernel-gradient
 * convolution of autodiff (lhs = input with batch and features swapped, rhs = output gradient,
 * output = one kernel's taps), also in its per-example form (feature groups = batch).
 *
 * <p>Each output {@code (n', o, q)} is a sum over input features i of a dot product along the
 * kernel taps of rhs row {@code (o, i)} with the lhs plane shifted to q. The taps of a row run
 * contiguously once the rhs row is laid out on the padded input grid ("wide": a few zero columns
 * after each kernel row, length rounded up to whole vectors; with rhs dilation d the padded
 * input is split into d polyphase planes, see {@link PaddedPlane}), so
 * {@link DotKernels#dot4x3} reads the widened rhs and a zero-padded copy of the lhs plane in
 * place, vectorised along the taps: no im2col at all. Input features are taken in chunks (both
 * copies stay cache-sized), tiles are (group, examples, output features) spread over the lanes.
 */
final class ConvDotPlan implements ConvPlan {
    /** Target floats of padded lhs planes per tile (about 256 KB). */
    static final int PLANES_TARGET = 64 * 1024;

    private final ConvGeometry g;
    private final PaddedPlane pad;
    /** Floats per padded plane in the buffer: the plane plus a vector of zero slack for the rounded-up taps. */
    private final int planeStride;
    /** Wide position of each kernel tap. */
    private final int[] tapAt;
    /** Taps per widened rhs row, a multiple of the vector length. */
    private final int kp;
    /** Padded-grid offset of each output position. */
    private final int[] colAt;
    private final int featuresPerChunk;
    private final int examplesPerTile;
    private final int featuresPerTile;
    private final int tiles;
    private final int laneSize;

    ConvDotPlan(ConvGeometry g) {
        this.g = g;
        pad = new PaddedPlane(g, PaddedPlane.extent(g), g.rhsDilation(), g.padLow());
        tapAt = taps(g.k(), pad.subStrides());
        colAt = columns(g, pad);
        int wide = tapAt[tapAt.length - 1] + 1;
        kp = (wide + DotKernels.L - 1) / DotKernels.L * DotKernels.L;
        planeStride = pad.size() + DotKernels.L;
        featuresPerChunk = Math.max(1, Math.min(g.i(), PLANES_TARGET / Math.max(1, g.outBatch() * planeStride)));
        examplesPerTile = Math.max(1, Math.min(g.outBatch(), PLANES_TARGET / (featuresPerChunk * planeStride)));
        int exampleTiles = ceilDiv(g.outBatch(), examplesPerTile);
        // split output features (in whole blocks of 4) until there is work for every lane
        int blocks = ceilDiv(g.og(), 4), split = 1;
        while (g.groups() * exampleTiles * split < 2 * Parallel.threads() && split < blocks) {
            split++;
        }
        featuresPerTile = ceilDiv(blocks, split) * 4;
        tiles = g.groups() * exampleTiles * ceilDiv(g.og(), featuresPerTile);
        laneSize = featuresPerTile * featuresPerChunk * kp + examplesPerTile * featuresPerChunk * planeStride;
    }

    /** Offset of each kernel tap inside a phase plane: the taps run contiguously there. */
    private static int[] taps(int[] k, int[] subStrides) {
        int n = ConvGeometry.product(k);
        int[] at = new int[n], idx = new int[k.length];
        for (int x = 0; x < n; x++) {
            Im2col.unravel(x, k, idx);
            int off = 0;
            for (int s = 0; s < k.length; s++) {
                off += idx[s] * subStrides[s];
            }
            at[x] = off;
        }
        return at;
    }

    /** Offset of the window of each output position q: padded coordinate {@code q*stride}, phase and all. */
    private static int[] columns(ConvGeometry g, PaddedPlane pad) {
        int n = g.outPositions();
        int[] at = new int[n], idx = new int[g.rank()];
        for (int x = 0; x < n; x++) {
            Im2col.unravel(x, g.out(), idx);
            int off = 0;
            for (int s = 0; s < g.rank(); s++) {
                off += pad.dimOffset(s, idx[s] * g.stride()[s]);
            }
            at[x] = off;
        }
        return at;
    }

    /**
     * Worth using: no lhs dilation, a kernel at least as big as the output, and widened kernel
     * rows at least half real taps.
     */
    static boolean suits(ConvGeometry g) {
        if (!ConvKernel.lhsUndilated(g) || g.taps() < g.outPositions()) {
            return false;
        }
        PaddedPlane pad = new PaddedPlane(g, PaddedPlane.extent(g), g.rhsDilation(), g.padLow());
        int[] at = taps(g.k(), pad.subStrides());
        int wide = at[at.length - 1] + 1;
        return 2L * g.taps() >= wide;
    }

    @Override
    public int scratchSize() {
        return Parallel.threads() * laneSize;
    }

    @Override
    public void run(float[] lhs, int lo, float[] rhs, int ro, float[] out, int oo, float[] scratch, int so) {
        Parallel.parallelFor(tiles, Parallel.grainFor(g.flops() / tiles), (lane, from, to) -> {
            int[] u = new int[g.rank()];
            for (int t = from; t < to; t++) {
                tile(t, lhs, lo, rhs, ro, out, oo, scratch, so + lane * laneSize, u);
            }
        });
    }

    private void tile(int tile, float[] lhs, int lo, float[] rhs, int ro, float[] out, int oo, float[] scratch, int base,
                      int[] u) {
        int featureTiles = ceilDiv(g.og(), featuresPerTile), exampleTiles = ceilDiv(g.outBatch(), examplesPerTile);
        int group = tile / (exampleTiles * featureTiles), rest = tile % (exampleTiles * featureTiles);
        int n0 = rest / featureTiles * examplesPerTile, n1 = Math.min(g.outBatch(), n0 + examplesPerTile);
        int f0 = rest % featureTiles * featuresPerTile, f1 = Math.min(g.og(), f0 + featuresPerTile);
        int aw = base, xp = base + featuresPerTile * featuresPerChunk * kp;
        for (int i0 = 0; i0 < g.i(); i0 += featuresPerChunk) {
            int ib = Math.min(featuresPerChunk, g.i() - i0);
            widenKernel(rhs, ro, group, f0, f1, i0, ib, scratch, aw);
            for (int n = n0; n < n1; n++) {
                for (int ii = 0; ii < ib; ii++) {
                    int src = lo + (g.lhsBatch(group, n) * g.c() + g.lhsFeature(group, i0 + ii)) * g.inPositions();
                    int dst = xp + ((n - n0) * ib + ii) * planeStride;
                    pad.copy(lhs, src, scratch, dst, u);
                    Arrays.fill(scratch, dst + pad.size(), dst + planeStride, 0f);
                }
            }
            products(scratch, aw, xp, ib, group, n0, n1, f0, f1, out, oo, i0 > 0);
        }
    }

    /** Rows {@code (o, i)} of the group's kernel on the padded grid: {@code [f1-f0][ib][kp]}, zeros between. */
    private void widenKernel(float[] rhs, int ro, int group, int f0, int f1, int i0, int ib, float[] dst, int d) {
        int taps = g.taps(), kl = g.k()[g.rank() - 1];
        for (int o = f0; o < f1; o++) {
            for (int ii = 0; ii < ib; ii++) {
                int row = d + ((o - f0) * ib + ii) * kp;
                Arrays.fill(dst, row, row + kp, 0f);
                int src = ro + ((group * g.og() + o) * g.i() + i0 + ii) * taps;
                for (int t = 0; t < taps; t += kl) {
                    System.arraycopy(rhs, src + t, dst, row + tapAt[t], kl);
                }
            }
        }
    }

    /** All 4 x 3 blocks of (output feature, (example, position)) for one chunk of input features. */
    private void products(float[] buf, int aw, int xp, int ib, int group, int n0, int n1, int f0, int f1,
                          float[] out, int oo, boolean add) {
        int positions = g.outPositions(), cols = (n1 - n0) * positions, rowStride = ib * kp;
        int[] b = new int[3], o = new int[3];
        for (int f = f0; f < f1; f += 4) {
            int rows = Math.min(4, f1 - f), cRow = oo + (group * g.og() + f) * positions;
            for (int j0 = 0; j0 < cols; j0 += 3) {
                int nc = Math.min(3, cols - j0);
                for (int j = 0; j < 3; j++) {
                    int col = j0 + Math.min(j, nc - 1), n = n0 + col / positions, q = col % positions;
                    b[j] = xp + (n - n0) * ib * planeStride + colAt[q];
                    o[j] = n * g.o() * positions + q;
                }
                DotKernels.dot4x3(ib, kp, buf, aw + (f - f0) * rowStride, rowStride, kp, rows,
                        buf, b[0], b[1], b[2], planeStride, nc, out, cRow, positions, o[0], o[1], o[2], add);
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    @Override
    public String toString() {
        return "inner products along " + kp + " wide taps, " + tiles + " tiles";
    }
}
