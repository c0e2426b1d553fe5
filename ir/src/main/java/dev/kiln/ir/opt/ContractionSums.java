package dev.kiln.ir.opt;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Shape;
import dev.kiln.ir.prim.Binary;
import dev.kiln.ir.prim.BinaryOp;
import dev.kiln.ir.prim.Concatenate;
import dev.kiln.ir.prim.DotGeneral;
import java.util.ArrayList;
import java.util.List;

/**
 * A sum of batched contractions with one shape, {@code sum_t A_t . C_t}, becomes one contraction of
 * the operands concatenated along a contracting axis. This is the per-example gradient of a weight
 * used at every step of an unrolled recurrence (an LSTM's hidden-to-hidden weight under
 * {@code vmap}: T batched outer products {@code [B,4H,1] x [B,1,H]}, each written out and added):
 * once it is a single contraction over {@code k = T} steps, {@link GhostClipping} can clip it
 * without materialising it. Fires when copying the operands ({@code T*B*k*(i+j)}) is cheaper than
 * writing and adding the T products ({@code 2*T*B*i*j}).
 *
 * <p>Terms are {@code dot_general}s with one batch axis on each side, all with the same operand
 * shapes and dimension numbers; an unbatched term whose result's leading axis is the lhs's first
 * free axis (a product with an unbatched operand, e.g. the recurrence's initial state) joins with
 * that operand broadcast along a new leading batch axis. The partial sums must have no other
 * reader. Results equal the original up to floating-point reassociation.
 */
public final class ContractionSums implements GraphPass {
    @Override
    public String name() {
        return "dot-sums";
    }

    @Override
    public Graph run(Graph g) {
        if (!GraphPass.applies(g, DotGeneral.class)) {
            return g;
        }
        GraphIndex index = GraphIndex.of(g);
        ClippingPlan plan = new ClippingPlan();
        for (Equation eq : g.equations()) {
            if (isAdd(eq) && !absorbedByReader(eq, index)) {
                List<Term> terms = new ArrayList<>();
                if (collect(eq, index, terms) && terms.size() >= 2 && sameStructure(terms) && pays(terms, eq)) {
                    plan.replace(eq, e -> merge(e, terms));
                }
            }
        }
        return plan.apply(g);
    }

    /**
     * One product {@code A . C} with batch axes {@code p} (of A) and {@code q} (of C);
     * {@code broadcastC} when C still lacks the batch axis (added as axis 0 when merging).
     */
    private record Term(Atom a, Atom c, Ints lc, Ints rc, int p, int q, boolean broadcastC, int batch) {
        Shape cShape() {
            if (!broadcastC) {
                return c.shape();
            }
            int[] s = new int[c.type().rank() + 1];
            s[0] = batch;
            System.arraycopy(c.shape().toArray(), 0, s, 1, c.type().rank());
            return Shape.of(s);
        }

        boolean sameAs(Term o) {
            return a.shape().equals(o.a.shape()) && cShape().equals(o.cShape()) && lc.equals(o.lc) && rc.equals(o.rc)
                    && p == o.p && q == o.q && a.dtype() == o.a.dtype();
        }
    }

    private static boolean isAdd(Equation eq) {
        return eq.primitive() instanceof Binary b && b.op() == BinaryOp.ADD;
    }

    /** Whether {@code eq}'s sum is a partial sum of the add that reads it (so that add is the root). */
    private static boolean absorbedByReader(Equation eq, GraphIndex index) {
        List<Equation> readers = index.readers(eq.out());
        return readers.size() == 1 && !index.isOutput(eq.out()) && isAdd(readers.get(0))
                && readers.get(0).out().type().equals(eq.out().type());
    }

    /** The terms of the add tree under {@code eq}; false when a leaf is not a contraction of the form. */
    private static boolean collect(Equation eq, GraphIndex index, List<Term> terms) {
        for (Atom x : eq.inputs()) {
            Equation d = index.definition(x);
            if (d == null || !x.type().equals(eq.out().type())) {
                return false;
            }
            if (isAdd(d) && absorbedByReader(d, index)) {
                if (!collect(d, index, terms)) {
                    return false;
                }
            } else {
                Term t = term(d);
                if (t == null) {
                    return false;
                }
                terms.add(t);
            }
        }
        return true;
    }

    private static Term term(Equation d) {
        if (!(d.primitive() instanceof DotGeneral dg) || d.out().type().rank() < 1 || dg.lhsContract().isEmpty()) {
            return null;
        }
        Atom a = d.input(0), c = d.input(1);
        int batch = d.out().type().dim(0);
        if (dg.lhsBatch().size() == 1) {
            return new Term(a, c, dg.lhsContract(), dg.rhsContract(), dg.lhsBatch().get(0), dg.rhsBatch().get(0), false,
                    batch);
        }
        if (!dg.lhsBatch().isEmpty()) {
            return null;
        }
        int firstFree = 0;
        while (firstFree < a.type().rank() && dg.lhsContract().contains(firstFree)) {
            firstFree++;
        }
        if (firstFree == a.type().rank()) {
            return null;
        }
        int[] rc = dg.rhsContract().toArray();
        for (int t = 0; t < rc.length; t++) {
            rc[t]++;
        }
        return new Term(a, c, dg.lhsContract(), Ints.of(rc), firstFree, 0, true, batch);
    }

    private static boolean sameStructure(List<Term> terms) {
        Term first = terms.get(0);
        return terms.stream().allMatch(first::sameAs) && terms.stream().anyMatch(t -> !t.broadcastC());
    }

    private static boolean pays(List<Term> terms, Equation root) {
        Term t = terms.get(0);
        double copies = terms.size() * (double) (t.a().type().numel() + t.cShape().numel());
        double products = 2.0 * terms.size() * root.out().type().numel();
        return copies < products;
    }

    /** {@code concat(A_t) . concat(C_t)} along the first contracting pair. */
    private static Atom merge(Emitter e, List<Term> terms) {
        Term first = terms.get(0);
        Atom[] as = new Atom[terms.size()], cs = new Atom[terms.size()];
        for (int t = 0; t < terms.size(); t++) {
            Term term = terms.get(t);
            as[t] = e.in(term.a());
            Atom c = e.in(term.c());
            cs[t] = term.broadcastC() ? e.broadcast(c, term.cShape(), Ints.range(1, c.type().rank() + 1).toArray()) : c;
        }
        Atom a = e.emit(new Concatenate(first.lc().get(0)), as);
        Atom c = e.emit(new Concatenate(first.rc().get(0)), cs);
        return e.dot(a, c, first.lc(), first.rc(), Ints.of(first.p()), Ints.of(first.q()));
    }
}
