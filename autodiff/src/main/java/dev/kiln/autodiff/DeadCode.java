package dev.kiln.autodiff;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Constant;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Var;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Drops the equations and constants of a derived graph that no output needs. Tracing the
 * backward pass replays the whole forward graph, including parts only the dropped outputs used
 * (the loss value of {@code grad}); every primitive is pure, so removing them is safe.
 */
final class DeadCode {
    private DeadCode() {
    }

    static Graph prune(Graph g) {
        Set<Var> live = Collections.newSetFromMap(new IdentityHashMap<>(g.equations().size() + g.inputs().size()));
        for (Atom a : g.outputs()) {
            if (a instanceof Var v) {
                live.add(v);
            }
        }
        List<Equation> kept = new ArrayList<>();
        for (int k = g.equations().size() - 1; k >= 0; k--) {
            Equation eq = g.equations().get(k);
            if (live.contains(eq.out())) {
                kept.add(eq);
                for (Atom a : eq.inputs()) {
                    if (a instanceof Var v) {
                        live.add(v);
                    }
                }
            }
        }
        Collections.reverse(kept);
        List<Constant> constants = g.constants().stream().filter(c -> live.contains(c.var())).toList();
        if (kept.size() == g.equations().size() && constants.size() == g.constants().size()) {
            return g;
        }
        return new Graph(g.inputs(), constants, kept, g.outputs());
    }
}
