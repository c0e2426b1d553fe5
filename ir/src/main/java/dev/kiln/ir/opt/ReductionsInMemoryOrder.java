package dev.kiln.ir.opt;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.ReduceSum;
import dev.kiln.ir.prim.Transpose;
import java.util.ArrayList;
import java.util.List;

/**
 * Reduces a transposed value in its operand's memory order: {@code reduce_sum(op(transpose(X, p),
 * broadcast(w)))} becomes {@code transpose(reduce_sum(op(X, broadcast'(w))))}, the transpose moving
 * to the (smaller) result. {@code vmap(grad)} of a convolution yields its per-example weight
 * gradient as a transposed view {@code [B,O,I,kh,kw]} of a grouped convolution's {@code
 * [I,B,O,kh,kw]} output; the clipped sum over {@code B} read through that view keeps only
 * {@code kh*kw} contiguous elements per vector run, where in memory order the kept {@code O,kh,kw}
 * are one contiguous run and the loop over examples reads whole rows.
 *
 * <p>Matches a {@code reduce_sum} whose operand is a transpose, or a binary elementwise operation
 * read only by the sum whose operands are transposes by one permutation, full-shape broadcasts or
 * literals. Run after the clipping rewrites (they match the transposed form). Exact up to the order
 * of the additions.
 */
public final class ReductionsInMemoryOrder implements GraphPass {
    /** Below this many operand elements per result element the result's transpose is not worth it. */
    private static final int MIN_REDUCTION = 8;

    @Override
    public String name() {
        return "reduce-order";
    }

    @Override
    public Graph run(Graph g) {
        if (!GraphPass.applies(g, ReduceSum.class)) {
            return g;
        }
        GraphIndex index = GraphIndex.of(g);
        Rewriter rw = new Rewriter(g);
        for (Equation eq : g.equations()) {
            Atom r = eq.primitive() instanceof ReduceSum s ? rewrite(eq, s.axes(), index, rw) : null;
            if (r == null) {
                rw.keep(eq);
            } else {
                rw.replace(eq.out(), r);
            }
        }
        return rw.changed() ? rw.build() : g;
    }

    private static Atom rewrite(Equation sum, Ints axes, GraphIndex index, Rewriter rw) {
        Atom operand = sum.input(0);
        Equation def = index.definition(operand);
        if (def == null || operand.type().numel() < (long) MIN_REDUCTION * Math.max(1, sum.out().type().numel())) {
            return null;
        }
        Ints perm = permutationOf(def, index);
        if (perm == null || perm.equals(Ints.range(perm.size()))) {
            return null;
        }
        if (!(def.primitive() instanceof Transpose) && (index.readers((Var) operand).size() != 1 || index.isOutput((Var) operand))) {
            return null;
        }
        Emitter e = new Emitter(rw, sum.source());
        Atom inner = def.primitive() instanceof Transpose ? e.in(def.input(0)) : untransposed(def, perm, index, e);
        // Operand axis j is X's axis perm[j]: reduce the same axes of X, keep the rest in X's order.
        int rank = perm.size();
        List<Integer> reducedX = new ArrayList<>(), keptX = new ArrayList<>();
        for (int j = 0; j < rank; j++) {
            (axes.contains(j) ? reducedX : keptX).add(perm.get(j));
        }
        keptX.sort(null);
        Atom reduced = e.sum(inner, Ints.of(reducedX.stream().sorted().mapToInt(Integer::intValue).toArray()));
        // The result's axis i is the i-th kept operand axis, i.e. X's axis perm[kept_i]: its position among keptX.
        int[] back = new int[keptX.size()];
        int i = 0;
        for (int j = 0; j < rank; j++) {
            if (!axes.contains(j)) {
                back[i++] = keptX.indexOf(perm.get(j));
            }
        }
        return e.transpose(reduced, back);
    }

    /** The permutation of the transpose {@code def} is, or that all transposed operands of the binary {@code def} share; else null. */
    private static Ints permutationOf(Equation def, GraphIndex index) {
        if (def.primitive() instanceof Transpose t) {
            return t.permutation();
        }
        if (!(def.primitive() instanceof Binary) || def.out().type().rank() == 0) {
            return null;
        }
        Ints perm = null;
        for (Atom a : def.inputs()) {
            Equation d = index.definition(a);
            if (d != null && d.primitive() instanceof Transpose t && a.type().equals(def.out().type())) {
                if (perm != null && !perm.equals(t.permutation())) {
                    return null;
                }
                perm = t.permutation();
            } else if (!(a.type().rank() == 0 || d != null && d.primitive() instanceof BroadcastInDim && a.type().equals(def.out().type()))) {
                return null;
            }
        }
        return perm;
    }

    /** The binary {@code def} computed on {@code X}'s axes: transposes dropped, broadcasts re-aimed. */
    private static Atom untransposed(Equation def, Ints perm, GraphIndex index, Emitter e) {
        int rank = perm.size();
        int[] shapeX = new int[rank];
        for (int j = 0; j < rank; j++) {
            shapeX[perm.get(j)] = def.out().shape().dim(j);
        }
        List<Atom> operands = new ArrayList<>();
        for (Atom a : def.inputs()) {
            Equation d = index.definition(a);
            if (a.type().rank() == 0) {
                operands.add(e.in(a));
            } else if (d.primitive() instanceof Transpose) {
                operands.add(e.in(d.input(0)));
            } else {
                operands.add(reaimed(e.in(d.input(0)), ((BroadcastInDim) d.primitive()).broadcastDimensions(), perm, shapeX, e));
            }
        }
        return e.emit(def.primitive(), operands.toArray(Atom[]::new));
    }

    /** {@code broadcast_in_dim(w, dims)} on the transposed axes, as a broadcast on X's axes (w transposed if its axes' order changes). */
    private static Atom reaimed(Atom w, Ints dims, Ints perm, int[] shapeX, Emitter e) {
        int n = dims.size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Integer.compare(perm.get(dims.get(a)), perm.get(dims.get(b))));
        int[] wPerm = new int[n], newDims = new int[n];
        for (int i = 0; i < n; i++) {
            wPerm[i] = order[i];
            newDims[i] = perm.get(dims.get(order[i]));
        }
        return e.broadcast(e.transpose(w, wPerm), Shape.of(shapeX), newDims);
    }
}
