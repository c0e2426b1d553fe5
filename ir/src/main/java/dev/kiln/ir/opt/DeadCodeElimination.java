package dev.kiln.ir.opt;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Constant;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Var;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Removes equations and constants whose values no output needs. Every primitive is pure (random
 * bits are a function of their key), so an unused result can always go. Graph inputs stay: they
 * are the executable's calling convention.
 */
public final class DeadCodeElimination implements GraphPass {
    @Override
    public String name() {
        return "dce";
    }

    /** One backward sweep keeps exactly the equations some output needs: a second finds nothing to remove. */
    @Override
    public boolean idempotent() {
        return true;
    }

    @Override
    public Graph run(Graph g) {
        Set<Var> live = Collections.newSetFromMap(new java.util.IdentityHashMap<>(g.equations().size() + g.constants().size()));
        for (Atom a : g.outputs()) {
            if (a instanceof Var v) {
                live.add(v);
            }
        }
        List<Equation> kept = new ArrayList<>();
        List<Equation> eqs = g.equations();
        for (int i = eqs.size() - 1; i >= 0; i--) {
            Equation eq = eqs.get(i);
            if (live.contains(eq.out())) {
                kept.add(eq);
                for (Atom a : eq.inputs()) {
                    if (a instanceof Var v) {
                        live.add(v);
                    }
                }
            }
        }
        if (kept.size() == eqs.size() && g.constants().stream().allMatch(c -> live.contains(c.var()))) {
            return g;
        }
        Collections.reverse(kept);
        List<Constant> constants = g.constants().stream().filter(c -> live.contains(c.var())).toList();
        return new Graph(g.inputs(), constants, kept, g.outputs());
    }
}
