package dev.kiln.codegen.jvm.kernels;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The direct (loop) convolution in f64, for every parameter combination: one output feature
 * map at a time, adding {@code weight * shifted input} row by row through the precomputed
 * {@link ConvTables}. The f64 path of {@link ConvKernel}: correct first, parallel over output
 * maps, no scratch.
 */
final class ConvDirect {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

    private ConvDirect() {
    }

    static void run(ConvGeometry g, ConvTables tb, double[] lhs, int lo, double[] rhs, int ro, double[] out, int oo) {
        int maps = g.outBatch() * g.o(), positions = g.outPositions();
        long workPerMap = 2L * positions * g.depth();
        Parallel.parallelFor(maps, Parallel.grainFor(workPerMap), (lane, from, to) -> {
            int[] qIdx = new int[Math.max(1, g.rank())], tIdx = new int[Math.max(1, g.rank())];
            for (int map = from; map < to; map++) {
                outputMap(g, tb, lhs, lo, rhs, ro, out, oo + map * positions, map / g.o(), map % g.o(), qIdx, tIdx);
            }
        });
    }

    private static void outputMap(ConvGeometry g, ConvTables tb, double[] lhs, int lo, double[] rhs, int ro,
                                  double[] out, int dst, int nOut, int o, int[] qIdx, int[] tIdx) {
        int positions = g.outPositions(), taps = g.taps(), group = o / g.og();
        Arrays.fill(out, dst, dst + positions, 0.0);
        for (int ii = 0; ii < g.i(); ii++) {
            int plane = lo + (g.lhsBatch(group, nOut) * g.c() + g.lhsFeature(group, ii)) * g.inPositions();
            for (int t = 0; t < taps; t++) {
                double w = rhs[ro + (o * g.i() + ii) * taps + t];
                Im2col.unravel(t, g.k(), tIdx);
                addShifted(g, tb, w, lhs, plane, tIdx, out, dst, qIdx);
            }
        }
    }

    /** {@code out[q] += w * lhs[plane + input position of (q, t)]} over all output positions q. */
    private static void addShifted(ConvGeometry g, ConvTables tb, double w, double[] lhs, int plane, int[] t,
                                   double[] out, int dst, int[] qIdx) {
        int d = g.rank();
        if (d == 0) {
            out[dst] += w * lhs[plane];
            return;
        }
        int last = d - 1, width = g.out()[last], kl = g.k()[last], tl = t[last];
        int[] coord = tb.coord()[last];
        int rows = g.outPositions() / Math.max(1, width);
        Arrays.fill(qIdx, 0);
        for (int r = 0; r < rows; r++) {
            if (r > 0) {
                qIdx[last] = width - 1;
                advance(qIdx, g.out());
            }
            int off = plane;
            boolean real = true;
            for (int s = 0; s < last && real; s++) {
                int c = tb.coord()[s][qIdx[s] * g.k()[s] + t[s]];
                real = c >= 0;
                off += c * tb.inStride()[s];
            }
            if (!real) {
                continue;
            }
            int row = dst + r * width, lo = tb.qLo()[tl], hi = tb.qHi()[tl];
            if (tb.qUnit() && lo < hi) {
                // consecutive reads (stride 1, no lhs dilation): a vector axpy
                int src = off + coord[lo * kl + tl] - lo, x = lo;
                DoubleVector wv = DoubleVector.broadcast(D, w);
                for (; x + D.length() <= hi; x += D.length()) {
                    wv.fma(DoubleVector.fromArray(D, lhs, src + x), DoubleVector.fromArray(D, out, row + x))
                            .intoArray(out, row + x);
                }
                for (; x < hi; x++) {
                    out[row + x] += w * lhs[src + x];
                }
                continue;
            }
            for (int x = lo; x < hi; x++) {
                int c = coord[x * kl + tl];
                if (c >= 0) {
                    out[row + x] += w * lhs[off + c];
                }
            }
        }
    }

    private static void advance(int[] idx, int[] dims) {
        for (int i = dims.length - 1; i >= 0; i--) {
            if (++idx[i] < dims[i]) {
                return;
            }
            idx[i] = 0;
        }
    }
}
