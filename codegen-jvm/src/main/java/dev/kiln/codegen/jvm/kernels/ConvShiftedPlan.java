package dev.kiln.codegen.jvm.kernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The f32 convolution as an implicit im2col: the input planes of an example are copied once into
 * a zero-padded buffer, and row {@code (i, t)} of the im2col matrix is then that buffer shifted
 * by tap t, so the GEMM reads it in place through a row table ({@link Sgemm#gemmRowTable})
 * instead of materialising {@code taps} copies. Covers the forward convolutions of both CNNs and
 * all their input gradients:
 * <ul>
 * <li>strides: the buffer is split into polyphase planes ({@link PaddedPlane}), so rows stay
 *     contiguous along the output;
 * <li>lhs dilation (the input gradient of a strided convolution): the outputs are split into
 *     phases {@code y = m*lhsDilation + phi}; each phase only meets the taps that land on real
 *     input elements, so the holes of the dilated input cost nothing. Each phase is one GEMM over
 *     its own taps (their weights gathered first) whose outputs are interleaved back.
 * </ul>
 * The outputs are computed on the padded grid ("wide" rows: each output row followed by a few
 * junk columns) and their valid part copied out; the planner uses this plan only where the junk
 * is a small fraction ({@link #junkRatio}).
 */
final class ConvShiftedPlan implements ConvPlan {
    /**
     * The outputs {@code y = m*lhsDilation + phi} (m below {@code count}) and the taps feeding them:
     * row {@code (i, j)} of its im2col matrix starts at {@code rows[i*taps.length + j]}.
     */
    private record Phase(int[] phi, int[] count, int wide, int[] taps, int[] rows, int weightsAt) {
        int depth() {
            return rows.length;
        }
    }

    private final ConvGeometry g;
    private final PaddedPlane pad;
    private final int plane;
    /** Strides of the output grid inside a (phase) plane of the padded buffer. */
    private final int[] gridStrides;
    private final Phase[] phases;
    private final boolean allTaps;
    private final int maxWide;
    private final int maxDepth;
    private final boolean overTiles;
    private final int laneSize;
    /** Floats at the start of the scratch shared by all lanes: the weights regrouped by phase. */
    private final int shared;

    private ConvShiftedPlan(ConvGeometry g, PaddedPlane pad, int[] gridStrides, Phase[] phases) {
        this.g = g;
        this.pad = pad;
        this.plane = pad.size();
        this.gridStrides = gridStrides;
        this.phases = phases;
        this.allTaps = phases.length == 1 && phases[0].taps().length == g.taps();
        int wideMax = 0, depthMax = 0;
        for (Phase ph : phases) {
            wideMax = Math.max(wideMax, ph.wide());
            depthMax = Math.max(depthMax, ph.depth());
        }
        this.maxWide = wideMax;
        this.maxDepth = depthMax;
        int tiles = g.outBatch() * g.groups();
        overTiles = tiles >= Parallel.threads() || g.flops() < Sgemm.PARALLEL_FLOPS;
        laneSize = g.i() * plane + g.og() * maxWide + Sgemm.rowTableScratchFloats(maxDepth, !overTiles);
        shared = allTaps ? 0 : g.o() * g.depth(); // the phases' gathered weights: each tap in exactly one phase
    }

    /** The plan, or null where it does not apply: lhs dilation together with a stride in one dim. */
    static ConvShiftedPlan of(ConvGeometry g) {
        int d = g.rank();
        if (d == 0) {
            return null;
        }
        int[] factor = new int[d], lead = new int[d], extent = PaddedPlane.extent(g);
        for (int s = 0; s < d; s++) {
            int ld = g.lhsDilation()[s];
            if (ld > 1 && g.stride()[s] > 1) {
                return null;
            }
            factor[s] = ld > 1 ? 1 : g.stride()[s];
            lead[s] = g.padLow()[s];
            if (ld > 1) {
                int[] span = dilatedSpan(g, s);
                lead[s] = -span[0];
                extent[s] = span[1] + lead[s] + 1;
            }
        }
        PaddedPlane pad = new PaddedPlane(g, extent, factor, lead);
        int[] grid = pad.subStrides();
        int[] phi = new int[d];
        Phase[] phases = new Phase[ConvGeometry.product(g.lhsDilation())];
        int weightsAt = 0;
        for (int p = 0; p < phases.length; p++) {
            Im2col.unravel(p, g.lhsDilation(), phi);
            Phase ph = phase(g, pad, grid, lead, phi.clone());
            phases[p] = new Phase(ph.phi(), ph.count(), ph.wide(), ph.taps(), ph.rows(), weightsAt);
            weightsAt += g.o() * ph.depth(); // every group's weights for this phase
        }
        return new ConvShiftedPlan(g, pad, grid, phases);
    }

    /**
     * Along an lhs-dilated dim (unit stride): output phase phi meets tap t iff
     * {@code phi + t*rhsDilation - padLow} is a multiple of the dilation ld, and then output
     * {@code m*ld + phi} reads input {@code m + (phi + t*rhsDilation - padLow) / ld}. Returns the
     * lowest and highest input index any phase reads.
     */
    private static int[] dilatedSpan(ConvGeometry g, int s) {
        int ld = g.lhsDilation()[s], lowest = 0, highest = 0;
        for (int phi = 0; phi < ld; phi++) {
            int count = (g.out()[s] - phi + ld - 1) / ld;
            for (int t = 0; t < g.k()[s] && count > 0; t++) {
                int pos = phi + t * g.rhsDilation()[s] - g.padLow()[s];
                if (Math.floorMod(pos, ld) == 0) {
                    lowest = Math.min(lowest, Math.floorDiv(pos, ld));
                    highest = Math.max(highest, Math.floorDiv(pos, ld) + count - 1);
                }
            }
        }
        return new int[] {lowest, highest};
    }

    /** Output phase {@code phi} (all zeros along undilated dims) and the taps that feed it. */
    private static Phase phase(ConvGeometry g, PaddedPlane pad, int[] grid, int[] lead, int[] phi) {
        int d = g.rank();
        int[] count = new int[d];
        for (int s = 0; s < d; s++) {
            int ld = g.lhsDilation()[s];
            count[s] = Math.max(0, (g.out()[s] - phi[s] + ld - 1) / ld);
        }
        List<Integer> taps = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        int[] ti = new int[d];
        for (int t = 0; t < g.taps(); t++) {
            Im2col.unravel(t, g.k(), ti);
            int off = 0;
            boolean real = true;
            for (int s = 0; s < d && real; s++) {
                int ld = g.lhsDilation()[s], reach = ti[s] * g.rhsDilation()[s];
                if (ld == 1) {
                    off += pad.dimOffset(s, reach); // padded coordinate of output 0 (lead = padLow)
                    continue;
                }
                int pos = phi[s] + reach - g.padLow()[s];
                real = Math.floorMod(pos, ld) == 0;
                off += pad.dimOffset(s, Math.floorDiv(pos, ld) + lead[s]);
            }
            if (real) {
                taps.add(t);
                offsets.add(off);
            }
        }
        int n = taps.size();
        int[] rows = new int[g.i() * n];
        for (int ii = 0; ii < g.i(); ii++) {
            for (int j = 0; j < n; j++) {
                rows[ii * n + j] = ii * pad.size() + offsets.get(j);
            }
        }
        return new Phase(phi, count, wide(count, grid), taps.stream().mapToInt(Integer::intValue).toArray(), rows, 0);
    }

    /** Columns of a wide output: the flat grid index of the last position, plus one (0 if empty). */
    private static int wide(int[] count, int[] grid) {
        int w = 1;
        for (int s = 0; s < count.length; s++) {
            if (count[s] == 0) {
                return 0;
            }
            w += (count[s] - 1) * grid[s];
        }
        return w;
    }

    /** Output columns computed per real output position (1 = no junk). */
    double junkRatio() {
        long wideTotal = 0;
        for (Phase ph : phases) {
            wideTotal += ph.wide();
        }
        return wideTotal / (double) Math.max(1, g.outPositions());
    }

    @Override
    public int scratchSize() {
        return shared + (overTiles ? Parallel.threads() : 1) * laneSize;
    }

    @Override
    public void run(float[] lhs, int lo, float[] rhs, int ro, float[] out, int oo, float[] scratch, int so) {
        if (!allTaps) {
            for (Phase ph : phases) {
                gatherWeights(ph, rhs, ro, scratch, so + ph.weightsAt());
            }
        }
        int tiles = g.outBatch() * g.groups(), lanes = so + shared;
        if (overTiles) {
            Parallel.parallelFor(tiles, Parallel.grainFor(g.flops() / Math.max(1, tiles)), (lane, from, to) -> {
                for (int tile = from; tile < to; tile++) {
                    tile(tile, lhs, lo, rhs, ro, out, oo, scratch, so, lanes + lane * laneSize, false);
                }
            });
        } else {
            for (int tile = 0; tile < tiles; tile++) {
                tile(tile, lhs, lo, rhs, ro, out, oo, scratch, so, lanes, true);
            }
        }
    }

    /** Output example n' of group gr: pad its input planes, one GEMM per phase, copy out. */
    private void tile(int tile, float[] lhs, int lo, float[] rhs, int ro, float[] out, int oo, float[] scratch, int so,
                      int base, boolean parallelGemm) {
        int nOut = tile / g.groups(), group = tile % g.groups();
        int xp = base, wideOut = xp + g.i() * plane, gemmScratch = wideOut + g.og() * maxWide;
        int[] u = new int[g.rank()];
        for (int ii = 0; ii < g.i(); ii++) {
            int src = lo + (g.lhsBatch(group, nOut) * g.c() + g.lhsFeature(group, ii)) * g.inPositions();
            pad.copy(lhs, src, scratch, xp + ii * plane, u);
        }
        int depth = g.depth(), outBase = oo + (nOut * g.o() + group * g.og()) * g.outPositions();
        for (Phase ph : phases) {
            if (ph.wide() == 0) {
                continue;
            }
            if (ph.depth() == 0) {
                copyOut(ph, null, 0, out, outBase, u);
                continue;
            }
            float[] a = allTaps ? rhs : scratch;
            int aOff = allTaps ? ro + group * g.og() * depth : so + ph.weightsAt() + group * g.og() * ph.depth();
            Sgemm.gemmRowTable(g.og(), ph.wide(), ph.depth(), a, aOff, ph.depth(), 1, scratch, xp, ph.rows(), 0,
                    scratch, wideOut, ph.wide(), false, scratch, gemmScratch, parallelGemm);
            copyOut(ph, scratch, wideOut, out, outBase, u);
        }
    }

    /** All weights for the phase's taps: {@code [O][I * taps]}, rows in (i, tap) order. */
    private void gatherWeights(Phase ph, float[] rhs, int src, float[] dst, int d) {
        int taps = g.taps(), n = ph.taps().length;
        for (int o = 0; o < g.o(); o++) {
            for (int ii = 0; ii < g.i(); ii++) {
                int s = src + (o * g.i() + ii) * taps, t = d + (o * g.i() + ii) * n;
                for (int j = 0; j < n; j++) {
                    dst[t + j] = rhs[s + ph.taps()[j]];
                }
            }
        }
    }

    /** Writes the phase's outputs (from the wide buffer, or zeros when {@code wideBuf} is null) into place. */
    private void copyOut(Phase ph, float[] wideBuf, int src, float[] out, int dst, int[] m) {
        int r = g.rank(), last = r - 1, width = ph.count()[last];
        int rows = ConvGeometry.product(ph.count()) / Math.max(1, width);
        int[] outStrides = Permute.rowMajorStrides(g.out());
        int step = g.lhsDilation()[last];
        for (int o = 0; o < g.og(); o++) {
            int oBase = dst + o * g.outPositions();
            for (int row = 0; row < rows; row++) {
                Im2col.unravel(row * width, ph.count(), m);
                int s = src + o * ph.wide(), y = oBase + ph.phi()[last];
                for (int x = 0; x < last; x++) {
                    s += m[x] * gridStrides[x];
                    y += (m[x] * g.lhsDilation()[x] + ph.phi()[x]) * outStrides[x];
                }
                if (wideBuf == null) {
                    for (int j = 0; j < width; j++) {
                        out[y + j * step] = 0f;
                    }
                } else if (step == 1) {
                    System.arraycopy(wideBuf, s, out, y, width);
                } else {
                    for (int j = 0; j < width; j++) {
                        out[y + j * step] = wideBuf[s + j];
                    }
                }
            }
        }
    }

    @Override
    public String toString() {
        long wideTotal = Arrays.stream(phases).mapToLong(Phase::wide).sum();
        return "shifted-view im2col, " + phases.length + " phase" + (phases.length > 1 ? "s" : "") + ", wide "
                + wideTotal + " for " + g.outPositions() + " positions" + (overTiles ? " over examples" : " gemm-parallel");
    }
}
