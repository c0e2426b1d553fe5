package dev.kiln.ir.opt;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Ints;
import dev.kiln.ir.prim.DotGeneral;
import java.util.ArrayList;
import java.util.List;

/**
 * DP-SGD clipping of per-example gradients that are batched contractions (the weight gradient of
 * a dense layer under {@code vmap}): {@code G[b] = sum_k A[b,k,i] C[b,k,j]} ({@code i}, {@code j},
 * {@code k} each any number of axes, {@code b} one batch axis on each side).
 *
 * <ul>
 *   <li>Squared norm ("ghost norm", Goodfellow 2015; Li et al. 2022): {@code |G[b]|^2 =
 *       sum_{k,l} (A A^T)[b,k,l] (C C^T)[b,k,l]}, two batched contractions over the free axes
 *       ({@code [B,k,k]} each); for {@code k = 1} simply {@code |A[b]|^2 |C[b]|^2}.
 *   <li>Weighted sum: {@code sum_b w[b] G[b]} is one contraction over {@code (b, k)} with
 *       {@code w} folded into the smaller operand: the same product as the non-private gradient.
 * </ul>
 *
 * When every read of {@code G} is one of these and the costs ({@link ClippingCost}) say so, the
 * per-example gradients are never materialised; the norms alone are rewritten when that is
 * cheaper than reading {@code G}. Results equal the original up to floating-point reassociation.
 */
public final class GhostClipping implements GraphPass {
    @Override
    public String name() {
        return "dp-ghost";
    }

    @Override
    public Graph run(Graph g) {
        if (!GraphPass.applies(g, DotGeneral.class)) {
            return g;
        }
        GraphIndex index = GraphIndex.of(g);
        ClippingPlan plan = new ClippingPlan();
        for (Equation eq : g.equations()) {
            if (eq.primitive() instanceof DotGeneral d && d.lhsBatch().size() == 1 && eq.out().type().rank() >= 2
                    && eq.out().dtype().isFloating() && eq.out().type().numel() > 0) {
                PerExampleUses uses = PerExampleUses.of(eq.out(), index);
                if (!uses.isEmpty()) {
                    new Candidate(eq, d, uses).plan(plan);
                }
            }
        }
        return plan.apply(g);
    }

    /** One batched contraction {@code G = A . C} and its reads. */
    private record Candidate(Equation eq, DotGeneral d, PerExampleUses uses) {
        Atom a() {
            return eq.input(0);
        }

        Atom c() {
            return eq.input(1);
        }

        int[] lhsFree() {
            return free(a(), d.lhsBatch(), d.lhsContract());
        }

        int[] rhsFree() {
            return free(c(), d.rhsBatch(), d.rhsContract());
        }

        double b() {
            return eq.out().type().dim(0);
        }

        double k() {
            return size(a(), d.lhsContract().toArray());
        }

        double i() {
            return size(a(), lhsFree());
        }

        double j() {
            return size(c(), rhsFree());
        }

        void plan(ClippingPlan plan) {
            double b = b(), k = k(), i = i(), j = j();
            double dense = b * i * j;
            double normNew = k == 1 ? b * (i + j)
                    : ClippingCost.MAC * b * k * k * (i + j) + b * k * (i + j) + 3 * b * k * k;
            double sumNew = b * k * Math.min(i, j) + ClippingCost.MAC * b * k * i * j;
            double materialise = ClippingCost.MAC * b * k * i * j + dense;
            ClippingPlan.Choice choice = ClippingPlan.choose(uses, normNew, dense, sumNew, dense, materialise);
            if (choice.norms()) {
                uses.squaredNorms().forEach(r -> plan.replace(r, this::squaredNorms));
            }
            if (choice.sums()) {
                uses.weightedSums().forEach(s -> plan.replace(s.consumer(), e -> weightedSum(e, s.weights())));
            }
        }

        /** {@code [B]}: {@code |G[b]|^2} from the operands. */
        Atom squaredNorms(Emitter e) {
            Atom a = e.in(a()), c = e.in(c());
            int p = d.lhsBatch().get(0), q = d.rhsBatch().get(0);
            if (k() == 1) {
                return e.mul(e.sum(e.mul(a, a), allBut(a, p)), e.sum(e.mul(c, c), allBut(c, q)));
            }
            Ints lf = Ints.of(lhsFree()), rf = Ints.of(rhsFree());
            // [B, kA.., kA..] and [B, kC.., kC..]: contracting axes in each operand's own order
            Atom aa = e.dot(a, a, lf, lf, Ints.of(p), Ints.of(p));
            Atom cc = e.dot(c, c, rf, rf, Ints.of(q), Ints.of(q));
            Atom aligned = e.transpose(cc, alignContracting());
            return e.sum(e.mul(aa, aligned), Ints.range(1, aa.type().rank()));
        }

        /**
         * The transpose of {@code C C^T} ({@code [B, kC.., kC..]}) that orders its axes as those of
         * {@code A A^T}: contracting axes pair up by position in the dimension numbers, while each
         * product lists them in its operand's axis order.
         */
        int[] alignContracting() {
            int[] la = d.lhsContract().toArray(), rc = d.rhsContract().toArray();
            int[] sortedA = la.clone(), sortedC = rc.clone();
            java.util.Arrays.sort(sortedA);
            java.util.Arrays.sort(sortedC);
            int m = la.length;
            int[] perm = new int[1 + 2 * m];
            for (int t = 0; t < m; t++) {
                int pair = d.lhsContract().indexOf(sortedA[t]);
                int pos = java.util.Arrays.binarySearch(sortedC, rc[pair]);
                perm[1 + t] = 1 + pos;
                perm[1 + m + t] = 1 + m + pos;
            }
            return perm;
        }

        /** {@code sum_b w[b] G[b]}: one contraction over the batch and contracting axes. */
        Atom weightedSum(Emitter e, Atom weights) {
            Atom a = e.in(a()), c = e.in(c()), w = e.in(weights);
            int p = d.lhsBatch().get(0), q = d.rhsBatch().get(0);
            if (a.type().numel() <= c.type().numel()) {
                a = e.scaleAlong(a, p, w);
            } else {
                c = e.scaleAlong(c, q, w);
            }
            return e.dot(a, c, prepend(p, d.lhsContract()), prepend(q, d.rhsContract()), Ints.empty(), Ints.empty());
        }
    }

    private static int[] free(Atom x, Ints batch, Ints contract) {
        List<Integer> f = new ArrayList<>();
        for (int a = 0; a < x.type().rank(); a++) {
            if (!batch.contains(a) && !contract.contains(a)) {
                f.add(a);
            }
        }
        return f.stream().mapToInt(Integer::intValue).toArray();
    }

    private static Ints allBut(Atom x, int axis) {
        List<Integer> axes = new ArrayList<>();
        for (int a = 0; a < x.type().rank(); a++) {
            if (a != axis) {
                axes.add(a);
            }
        }
        return Ints.of(axes.stream().mapToInt(Integer::intValue).toArray());
    }

    private static double size(Atom x, int[] axes) {
        double n = 1;
        for (int a : axes) {
            n *= x.type().dim(a);
        }
        return n;
    }

    private static Ints prepend(int first, Ints rest) {
        int[] out = new int[rest.size() + 1];
        out[0] = first;
        for (int t = 0; t < rest.size(); t++) {
            out[t + 1] = rest.get(t);
        }
        return Ints.of(out);
    }
}
