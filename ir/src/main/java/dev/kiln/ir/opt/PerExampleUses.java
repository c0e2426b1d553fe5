package dev.kiln.ir.opt;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.DotGeneral;
import dev.kiln.ir.prim.ReduceSum;
import java.util.ArrayList;
import java.util.List;

/**
 * How a batched value {@code G [B, ...]} (a per-example gradient) is read by DP-SGD's clipping:
 * its per-example squared norms {@code sum over all axes but 0 of G*G}, giving {@code [B]}, and its
 * weighted sums over the batch {@code sum_b w[b] * G[b]}, giving {@code G}'s shape without axis 0.
 * Everything else that reads {@code G} (including being a graph output) counts as an other read:
 * {@code G} then stays in the graph whatever the clipping rewrites do.
 *
 * <p>The forms recognised are those the privacy module and hand-written steps trace to:
 * <ul>
 *   <li>squared norm: {@code reduce_sum[axes=1..r-1](mul G G)}; the {@code mul} may have other
 *       readers (they count as other reads of {@code G});
 *   <li>weighted sum: {@code dot_general[contract=([0],[0])] w G} or {@code ... G w} with
 *       {@code w [B]}, and {@code reduce_sum[axes=[0]](mul G X)} (either operand order) with
 *       {@code X} a broadcast of a per-example factor: a value whose only non-unit dim is mapped
 *       onto axis 0.
 * </ul>
 *
 * @param squaredNorms the {@code reduce_sum} equations giving {@code G}'s squared norms
 * @param weightedSums the equations giving weighted sums, with their weights
 * @param others       how many other reads {@code G} has
 */
record PerExampleUses(List<Equation> squaredNorms, List<WeightedSum> weightedSums, int others) {

    /**
     * A weighted sum over the batch. {@code weights} has {@code B} elements and is either
     * {@code [B]} or has its only non-unit dim (of size B) where the sum's batch axis was:
     * reshaping it to {@code [B]} gives the weights.
     */
    record WeightedSum(Equation consumer, Atom weights) {
    }

    boolean isEmpty() {
        return squaredNorms.isEmpty() && weightedSums.isEmpty();
    }

    /** The reads of {@code g} (rank at least 2) in the graph of {@code index}. */
    static PerExampleUses of(Var g, GraphIndex index) {
        return of(g, 0, index);
    }

    /**
     * The reads of {@code g} whose examples lie along {@code batch} rather than axis 0 (a
     * convolution's per-example gradient is {@code [Cin, B, Cout, k..]}): norms sum over every
     * other axis, weighted sums over {@code batch}, and the weights broadcast onto it.
     */
    static PerExampleUses of(Var g, int batch, GraphIndex index) {
        List<Equation> norms = new ArrayList<>();
        List<WeightedSum> sums = new ArrayList<>();
        int others = index.isOutput(g) ? 1 : 0;
        for (Equation r : index.readers(g)) {
            Atom w = batch == 0 ? dotWeights(r, g) : null;
            if (w != null) {
                sums.add(new WeightedSum(r, w));
            } else if (isMul(r) && r.input(0) == g && r.input(1) == g) {
                others += classifySquares(r, batch, norms, index);
            } else if (isMul(r) && (r.input(0) == g) != (r.input(1) == g)) {
                Atom x = r.input(0) == g ? r.input(1) : r.input(0);
                Atom factor = broadcastFactor(x, batch, index);
                others += factor == null ? 1 : classifyScaled(r, batch, factor, sums, index);
            } else {
                others++;
            }
        }
        return new PerExampleUses(List.copyOf(norms), List.copyOf(sums), others);
    }

    /** Collects the squared norms among the readers of {@code g*g}; returns the number of other reads. */
    private static int classifySquares(Equation square, int batch, List<Equation> norms, GraphIndex index) {
        int rank = square.out().type().rank();
        Ints allButBatch = Ints.of(java.util.stream.IntStream.range(0, rank).filter(a -> a != batch).toArray());
        int others = index.isOutput(square.out()) ? 1 : 0;
        for (Equation r : index.readers(square.out())) {
            if (r.primitive() instanceof ReduceSum s && s.axes().equals(allButBatch)) {
                norms.add(r);
            } else {
                others++;
            }
        }
        return others;
    }

    /** Collects the sums over axis 0 among the readers of {@code g*X}; returns the number of other reads. */
    private static int classifyScaled(Equation scaled, int batch, Atom factor, List<WeightedSum> sums,
                                      GraphIndex index) {
        int others = index.isOutput(scaled.out()) ? 1 : 0;
        for (Equation r : index.readers(scaled.out())) {
            if (r.primitive() instanceof ReduceSum s && s.axes().equals(Ints.of(batch))) {
                sums.add(new WeightedSum(r, factor));
            } else {
                others++;
            }
        }
        return others;
    }

    /** {@code w} when {@code r} is {@code dot_general[contract=([0],[0])]} of a {@code [B]} weight and {@code g}. */
    private static Atom dotWeights(Equation r, Var g) {
        if (!(r.primitive() instanceof DotGeneral d) || !d.lhsBatch().isEmpty()
                || !d.lhsContract().equals(Ints.of(0)) || !d.rhsContract().equals(Ints.of(0))) {
            return null;
        }
        Atom a = r.input(0), b = r.input(1);
        if (b == g && a != g && a.type().rank() == 1) {
            return a;
        }
        if (a == g && b != g && b.type().rank() == 1) {
            return b;
        }
        return null;
    }

    /**
     * The per-example factor {@code x} broadcasts: its operand when that operand's only non-unit
     * dim is mapped onto axis 0, else null.
     */
    static Atom broadcastFactor(Atom x, GraphIndex index) {
        return broadcastFactor(x, 0, index);
    }

    /** As {@link #broadcastFactor(Atom, GraphIndex)}, for a factor mapped onto axis {@code batch}. */
    static Atom broadcastFactor(Atom x, int batch, GraphIndex index) {
        Equation d = index.definition(x);
        if (d == null || !(d.primitive() instanceof BroadcastInDim b)) {
            return null;
        }
        Atom s = d.input(0);
        int size = x.type().dim(batch);
        boolean onBatch = false;
        for (int i = 0; i < s.type().rank(); i++) {
            if (b.broadcastDimensions().get(i) == batch && s.type().dim(i) == size) {
                onBatch = true;
            } else if (s.type().dim(i) != 1) {
                return null;
            }
        }
        return onBatch ? s : null;
    }

    private static boolean isMul(Equation e) {
        return e.primitive() instanceof Binary b && b.op() == BinaryOp.MUL;
    }
}
