package dev.kiln.autodiff;

import static dev.kiln.autodiff.GradCheck.checkPrimitive;
import static dev.kiln.autodiff.GradCheck.normal;

import dev.kiln.ir.Ints;
import dev.kiln.ir.prim.DotGeneral;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The VJP of dot_general in f64 against finite differences, with batch dimensions, several
 * contracting dimensions, and every kind of dimension at random positions of each operand.
 */
class DotVjpProperties {

    @Property(tries = 60)
    void dotGeneralVjpMatchesFiniteDifferences(@ForAll long seed) {
        Random r = new Random(seed);
        int nb = r.nextInt(3), nc = r.nextInt(3), lf = r.nextInt(3), rf = r.nextInt(3);
        int[] batch = GradCheck.dims(r, nb, 1, 3), contract = GradCheck.dims(r, nc, 1, 3);
        int[] lhsPerm = LayoutVjpProperties.permutation(r, nb + nc + lf);
        int[] rhsPerm = LayoutVjpProperties.permutation(r, nb + nc + rf);
        // Position k of the permutation holds: batch dims first, then contracting, then free ones.
        int[] lhs = new int[lhsPerm.length], rhs = new int[rhsPerm.length];
        int[] lb = new int[nb], rb = new int[nb], lc = new int[nc], rc = new int[nc];
        for (int k = 0; k < lhsPerm.length; k++) {
            lhs[lhsPerm[k]] = k < nb ? batch[k] : k < nb + nc ? contract[k - nb] : 1 + r.nextInt(3);
        }
        for (int k = 0; k < rhsPerm.length; k++) {
            rhs[rhsPerm[k]] = k < nb ? batch[k] : k < nb + nc ? contract[k - nb] : 1 + r.nextInt(3);
        }
        for (int k = 0; k < nb; k++) {
            lb[k] = lhsPerm[k];
            rb[k] = rhsPerm[k];
        }
        for (int k = 0; k < nc; k++) {
            lc[k] = lhsPerm[nb + k];
            rc[k] = rhsPerm[nb + k];
        }
        var p = new DotGeneral(Ints.of(lc), Ints.of(rc), Ints.of(lb), Ints.of(rb));
        boolean[] wrt = r.nextInt(4) == 0 ? new boolean[] {r.nextBoolean(), true} : new boolean[] {true, true};
        checkPrimitive(p, List.of(normal(r, lhs), normal(r, rhs)), wrt, r);
    }
}
