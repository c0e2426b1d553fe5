package dev.kiln.codegen.jvm.kernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where {@link ConvRowsPlan} reads and writes: the convolution split into output phases (one
 * per combination of lhs-dilation residues; a single phase without lhs dilation), each a list of
 * output positions (rows) and of the kernel taps that reach real input elements for them.
 *
 * <p>Along an lhs-dilated dim (stride 1 there) output {@code m*ld + phi} meets tap t iff
 * {@code phi + t*rhsDilation - padLow} is a multiple of ld, and then reads input
 * {@code m + c_t} with {@code c_t = floor((phi + t*rhsDilation - padLow) / ld)}: the holes of
 * the dilation are never multiplied. Along any other dim output q reads
 * {@code q*stride + t*rhsDilation - padLow}. Each read is a row part plus a tap part, both
 * offsets into the source: a zero-padded copy of the input plane ({@link PaddedPlane}), or the
 * input itself when no read leaves it ({@link #direct}).
 *
 * @param direct  true when every read lands inside the input: rows read the lhs in place
 * @param pad     the padded plane (null when direct)
 * @param plane   elements per source plane (padded size, or the input plane)
 * @param phases  the output phases
 */
record RowsLayout(boolean direct, PaddedPlane pad, int plane, Phase[] phases) {

    /**
     * One output phase.
     *
     * @param rowIn  per position of the phase: source offset of its window origin in a plane
     * @param rowOut per position: its flat index among the output positions of a feature map
     * @param taps   kernel taps (flat indices) that reach input for this phase
     * @param tapIn  per such tap: its source offset in a plane
     */
    record Phase(int[] rowIn, int[] rowOut, int[] taps, int[] tapIn) {
        int positions() {
            return rowIn.length;
        }
    }

    /** The layout, or null where the plan does not apply (an lhs-dilated dim with a stride). */
    static RowsLayout of(ConvGeometry g) {
        int d = g.rank();
        if (d == 0) {
            return null;
        }
        for (int s = 0; s < d; s++) {
            if (g.lhsDilation()[s] > 1 && g.stride()[s] > 1) {
                return null;
            }
        }
        int[] lead = new int[d], extent = PaddedPlane.extent(g);
        boolean direct = !g.lhsDilated();
        for (int s = 0; s < d; s++) {
            int ld = g.lhsDilation()[s];
            lead[s] = g.padLow()[s];
            if (ld > 1) {
                int[] span = dilatedSpan(g, s);
                lead[s] = -span[0];
                extent[s] = span[1] + lead[s] + 1;
            }
            direct &= g.padLow()[s] <= 0 && extent[s] - g.padLow()[s] <= g.in()[s];
        }
        int[] ones = new int[d];
        Arrays.fill(ones, 1);
        PaddedPlane pad = direct ? null : new PaddedPlane(g, extent, ones, lead);
        int[] strides = direct ? Permute.rowMajorStrides(g.in()) : pad.subStrides();
        int[] base = new int[d];
        for (int s = 0; s < d; s++) {
            base[s] = direct ? -g.padLow()[s] : 0; // direct: padded coordinate u is input coordinate u - padLow
        }
        Phase[] phases = new Phase[ConvGeometry.product(g.lhsDilation())];
        int[] phi = new int[d];
        for (int p = 0; p < phases.length; p++) {
            Im2col.unravel(p, g.lhsDilation(), phi);
            phases[p] = phase(g, phi, lead, strides, base);
        }
        return new RowsLayout(direct, pad, direct ? g.inPositions() : pad.size(), phases);
    }

    /** The lowest and highest input index any phase of an lhs-dilated dim reads. */
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

    private static Phase phase(ConvGeometry g, int[] phi, int[] lead, int[] strides, int[] base) {
        int d = g.rank();
        int[] count = new int[d];
        for (int s = 0; s < d; s++) {
            int ld = g.lhsDilation()[s];
            count[s] = Math.max(0, (g.out()[s] - phi[s] + ld - 1) / ld);
        }
        int positions = ConvGeometry.product(count);
        int[] rowIn = new int[positions], rowOut = new int[positions], m = new int[d];
        int[] outStrides = Permute.rowMajorStrides(g.out());
        for (int x = 0; x < positions; x++) {
            Im2col.unravel(x, count, m);
            int in = 0, out = 0;
            for (int s = 0; s < d; s++) {
                int ld = g.lhsDilation()[s];
                in += (ld > 1 ? m[s] : m[s] * g.stride()[s] + base[s]) * strides[s];
                out += (m[s] * ld + phi[s]) * outStrides[s];
            }
            rowIn[x] = in;
            rowOut[x] = out;
        }
        List<int[]> taps = new ArrayList<>();
        int[] t = new int[d];
        for (int flat = 0; flat < g.taps(); flat++) {
            Im2col.unravel(flat, g.k(), t);
            int off = 0;
            boolean real = true;
            for (int s = 0; s < d && real; s++) {
                int ld = g.lhsDilation()[s], reach = t[s] * g.rhsDilation()[s];
                if (ld == 1) {
                    off += reach * strides[s];
                    continue;
                }
                int pos = phi[s] + reach - g.padLow()[s];
                real = Math.floorMod(pos, ld) == 0;
                off += (Math.floorDiv(pos, ld) + lead[s]) * strides[s];
            }
            if (real) {
                taps.add(new int[] {flat, off});
            }
        }
        return new Phase(rowIn, rowOut, taps.stream().mapToInt(x -> x[0]).toArray(),
                taps.stream().mapToInt(x -> x[1]).toArray());
    }
}
