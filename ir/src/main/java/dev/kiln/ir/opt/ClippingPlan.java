package dev.kiln.ir.opt;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The readers of per-example gradients that a clipping rewrite replaces, each with the equations
 * that compute its value another way. Applying the plan keeps every other equation; the replaced
 * readers' results are substituted, and the gradients they read die when nothing else reads them
 * (dead code elimination then removes them).
 */
final class ClippingPlan {
    /** Builds the replacement of one reader; operands come from {@link Emitter#in}. */
    interface Replacement extends Function<Emitter, Atom> {
    }

    /** Which kinds of reads of one gradient to rewrite. */
    record Choice(boolean norms, boolean sums) {
        boolean any() {
            return norms || sums;
        }
    }

    private final Map<Equation, Replacement> replacements = new IdentityHashMap<>();

    /**
     * The reads worth rewriting, costs per read in {@link ClippingCost} units: all of them when
     * nothing else reads the gradient (so it is never materialised) and that pays in total, else
     * each kind that is cheaper on its own than reading the materialised gradient.
     */
    static Choice choose(PerExampleUses uses, double normNew, double normOld, double sumNew, double sumOld,
                         double materialise) {
        int n = uses.squaredNorms().size(), s = uses.weightedSums().size();
        if (uses.others() == 0 && n * normNew + s * sumNew < n * normOld + s * sumOld + materialise) {
            return new Choice(true, true);
        }
        return new Choice(normNew < normOld, sumNew < sumOld);
    }

    void replace(Equation reader, Replacement r) {
        replacements.put(reader, r);
    }

    boolean isEmpty() {
        return replacements.isEmpty();
    }

    /** {@code g} with the planned readers replaced, or {@code g} itself when the plan is empty. */
    Graph apply(Graph g) {
        if (replacements.isEmpty()) {
            return g;
        }
        Rewriter rw = new Rewriter(g);
        for (Equation eq : g.equations()) {
            Replacement r = replacements.get(eq);
            if (r == null) {
                rw.keep(eq);
            } else {
                Atom value = r.apply(new Emitter(rw, eq.source()));
                if (!value.type().equals(eq.out().type())) {
                    throw new IllegalStateException("clipping rewrite of " + eq + " gave " + value.type());
                }
                rw.replace(eq.out(), value);
            }
        }
        return rw.build();
    }
}
