package dev.kiln.ir.opt;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.TensorType;
import dev.kiln.ir.prim.BroadcastInDim;
import dev.kiln.ir.prim.ScatterAdd;
import java.util.ArrayList;
import java.util.List;

/**
 * DP-SGD clipping of per-example gradients that are batched scatters into zeros (the gradient of
 * an embedding lookup under {@code vmap}): {@code S = scatter_add[batch_dims=1](zeros[B,V,R..],
 * idx[B,I..], upd[B,I..,R..])}, which is dense ({@code B*V*R} elements) although each example
 * touches only {@code I} rows.
 *
 * <ul>
 *   <li>Weighted sum: {@code sum_b w[b] S[b] = scatter_add[batch_dims=0](zeros[V,R..], idx,
 *       w[b]*upd)}, one scatter of all examples' rows (the batch axis becomes an index axis).
 *   <li>Squared norm: {@code sum_{v,r} S[b,v,r]^2 = sum_{i,j} [idx[b,i] = idx[b,j]] upd[b,i].upd[b,j]},
 *       computed the cheapest of three ways: when the updates do not vary along the index axes
 *       ({@code upd = broadcast(u)}, as for an embedding followed by a mean over the tokens), as
 *       {@code |u[b]|^2} times {@code sum_v count[b,v]^2} (a scatter of ones into {@code [B,V]}) or
 *       times the number of equal index pairs; otherwise from the Gram matrix of the updates
 *       ({@code [B,I,I]}, a batched contraction over {@code R}) masked by index equality.
 * </ul>
 *
 * Costs ({@link ClippingCost}) decide: the dense {@code S} is never built when all its reads are
 * rewritten and that pays; a read is rewritten alone when that is cheaper than reading {@code S}.
 * Results equal the original up to floating-point reassociation (and the sign of zeros). An index
 * out of range still fails wherever a scatter remains; a norm computed from index pairs does not
 * check its indices.
 */
public final class ScatterClipping implements GraphPass {
    @Override
    public String name() {
        return "dp-scatter";
    }

    @Override
    public Graph run(Graph g) {
        if (!GraphPass.applies(g, ScatterAdd.class)) {
            return g;
        }
        GraphIndex index = GraphIndex.of(g);
        ClippingPlan plan = new ClippingPlan();
        for (Equation eq : g.equations()) {
            if (eq.primitive() instanceof ScatterAdd s && s.batchDims() == 1 && eq.out().dtype().isFloating()
                    && eq.out().type().numel() > 0 && index.isZeros(eq.input(0))) {
                PerExampleUses uses = PerExampleUses.of(eq.out(), index);
                if (!uses.isEmpty()) {
                    new Candidate(eq, uses, uniformUpdates(eq, index)).plan(plan);
                }
            }
        }
        return plan.apply(g);
    }

    /**
     * Updates {@code upd = broadcast_in_dim(u, dims)} that do not vary along the index axes, with
     * {@code u}'s remaining axes ({@code rowShape}) and where they go in {@code [B, R..]} ({@code rowDims}).
     */
    private record UniformUpdates(Atom u, Ints dims, Shape rowShape, Ints rowDims) {
    }

    private static UniformUpdates uniformUpdates(Equation scatter, GraphIndex index) {
        Equation d = index.definition(scatter.input(2));
        if (d == null || !(d.primitive() instanceof BroadcastInDim b)) {
            return null;
        }
        int indexAxes = scatter.input(1).type().rank() - 1;
        Atom u = d.input(0);
        List<Integer> kept = new ArrayList<>(), dims = new ArrayList<>();
        for (int a = 0; a < u.type().rank(); a++) {
            int o = b.broadcastDimensions().get(a);
            boolean indexAxis = o >= 1 && o <= indexAxes;
            if (indexAxis && u.type().dim(a) != 1) {
                return null;
            }
            if (!indexAxis) {
                kept.add(u.type().dim(a));
                dims.add(o == 0 ? 0 : o - indexAxes);
            }
        }
        return new UniformUpdates(u, b.broadcastDimensions(), Shape.of(toArray(kept)), Ints.of(toArray(dims)));
    }

    private static int[] toArray(List<Integer> xs) {
        return xs.stream().mapToInt(Integer::intValue).toArray();
    }

    /** One scatter and its reads, with the sizes the costs need. */
    private record Candidate(Equation scatter, PerExampleUses uses, UniformUpdates uniform) {
        Atom indices() {
            return scatter.input(1);
        }

        Atom updates() {
            return scatter.input(2);
        }

        TensorType type() {
            return scatter.out().type();
        }

        int batch() {
            return type().dim(0);
        }

        double b() {
            return type().dim(0);
        }

        double v() {
            return type().dim(1);
        }

        /** Rows each example scatters ({@code I}). */
        double rows() {
            return indices().type().numel() / b();
        }

        /** Elements of a row ({@code R}). */
        double row() {
            return type().numel() / (b() * v());
        }

        void plan(ClippingPlan plan) {
            double dense = b() * v() * row();
            double sumNew = 2 * b() * rows() * row() + v() * row();
            double materialise = dense + b() * rows() * row();
            NormMethod method = cheapestNorm();
            ClippingPlan.Choice c = ClippingPlan.choose(uses, method.cost(this), dense, sumNew, dense, materialise);
            if (c.norms()) {
                uses.squaredNorms().forEach(r -> plan.replace(r, e -> method.emit(this, e)));
            }
            if (c.sums()) {
                uses.weightedSums().forEach(s -> plan.replace(s.consumer(), e -> weightedSum(e, s.weights())));
            }
        }

        NormMethod cheapestNorm() {
            NormMethod best = NormMethod.GRAM;
            if (uniform != null) {
                for (NormMethod m : List.of(NormMethod.PAIRS, NormMethod.COUNTS)) {
                    best = m.cost(this) < best.cost(this) ? m : best;
                }
            }
            return best;
        }

        /** {@code scatter_add(zeros[V,R..], idx, w[b] * upd)}: the batch axis becomes an index axis. */
        Atom weightedSum(Emitter e, Atom weights) {
            TensorType out = type().withShape(type().shape().without(0));
            return e.scatterAdd(0, e.full(0, out), e.in(indices()), scaledUpdates(e, e.in(weights)));
        }

        /** {@code w[b] * upd}, scaling the operand of the broadcast when the batch axis comes from it. */
        private Atom scaledUpdates(Emitter e, Atom w) {
            if (uniform != null) {
                Atom u = e.in(uniform.u());
                for (int a = 0; a < u.type().rank(); a++) {
                    if (uniform.dims().get(a) == 0 && u.type().dim(a) == batch()) {
                        return e.broadcast(e.scaleAlong(u, a, w), updates().shape(), uniform.dims().toArray());
                    }
                }
            }
            return e.scaleAlong(e.in(updates()), 0, w);
        }

        /** {@code [B]}: the squared norm of one example's (every) update row. */
        Atom uniformRowNorms(Emitter e) {
            Atom u = e.reshape(e.in(uniform.u()), uniform.rowShape());
            Shape rows = updates().shape();
            for (int k = 1; k < indices().type().rank(); k++) {
                rows = rows.without(1);
            }
            return e.squaredNorms(e.broadcast(u, rows, uniform.rowDims().toArray()));
        }

        /** {@code bool[B, I, I]}: which pairs of an example's rows scatter to the same place. */
        Atom equalIndexPairs(Emitter e) {
            int n = (int) rows();
            Atom idx = e.reshape(e.in(indices()), Shape.of(batch(), n));
            Shape pairs = Shape.of(batch(), n, n);
            return e.eq(e.broadcast(idx, pairs, 0, 1), e.broadcast(idx, pairs, 0, 2));
        }
    }

    /** The ways to compute the squared norms of a scatter's examples without the dense scatter. */
    private enum NormMethod {
        /** {@code |u[b]|^2 * sum_v count[b,v]^2}: a scatter of ones into {@code [B, V]}. */
        COUNTS {
            @Override
            double cost(Candidate c) {
                return 2 * c.b() * c.v() + c.b() * c.rows() + c.b() * c.row();
            }

            @Override
            Atom emit(Candidate c, Emitter e) {
                TensorType counts = c.type().withShape(Shape.of(c.batch(), c.type().dim(1)));
                TensorType ones = c.type().withShape(c.indices().shape());
                Atom n = e.scatterAdd(1, e.full(0, counts), e.in(c.indices()), e.full(1, ones));
                return e.mul(c.uniformRowNorms(e), e.squaredNorms(n));
            }
        },
        /** {@code |u[b]|^2 * #{(i, j): idx[b,i] = idx[b,j]}}. */
        PAIRS {
            @Override
            double cost(Candidate c) {
                return c.b() * c.rows() * c.rows() + c.b() * c.row();
            }

            @Override
            Atom emit(Candidate c, Emitter e) {
                Atom equal = e.convert(c.equalIndexPairs(e), c.type().dtype());
                return e.mul(c.uniformRowNorms(e), e.sum(equal, Ints.of(1, 2)));
            }
        },
        /** {@code sum_{i,j} [idx[b,i] = idx[b,j]] (upd[b,i] . upd[b,j])} from the Gram matrix. */
        GRAM {
            @Override
            double cost(Candidate c) {
                double pairs = c.b() * c.rows() * c.rows();
                return ClippingCost.MAC * pairs * c.row() + 2 * pairs + c.b() * c.rows() * c.row();
            }

            @Override
            Atom emit(Candidate c, Emitter e) {
                int n = (int) c.rows(), r = (int) c.row();
                Atom upd = e.reshape(e.in(c.updates()), Shape.of(c.batch(), n, r));
                Atom gram = e.dot(upd, upd, Ints.of(2), Ints.of(2), Ints.of(0), Ints.of(0));
                return e.sum(e.selectOrZero(c.equalIndexPairs(e), gram), Ints.of(1, 2));
            }
        };

        abstract double cost(Candidate c);

        abstract Atom emit(Candidate c, Emitter e);
    }
}
