package dev.kiln.ir.opt;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Constant;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.prim.Primitive;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges equations that apply the same primitive (records compare their static parameters by
 * value) to the same operands (variables by identity, literals by value), and constants holding
 * equal arrays. The later duplicate is replaced by the earlier result.
 */
public final class CommonSubexpressions implements GraphPass {
    private record Key(Primitive primitive, List<Atom> operands) {
    }

    @Override
    public String name() {
        return "cse";
    }

    @Override
    public Graph run(Graph g) {
        Rewriter rw = new Rewriter(new Graph(g.inputs(), List.of(), g.equations(), g.outputs()));
        mergeConstants(g, rw);
        Map<Key, Equation> seen = new HashMap<>(g.equations().size() * 4 / 3 + 16);
        for (Equation eq : g.equations()) {
            Key key = new Key(eq.primitive(), rw.resolveAll(eq.inputs()));
            Equation first = seen.get(key);
            if (first != null) {
                rw.replace(eq.out(), first.out());
            } else {
                seen.put(key, eq);
                rw.keep(eq);
            }
        }
        return rw.changed() ? rw.build() : g;
    }

    /** Constants with equal type and contents become one (bitwise equality, so -0.0 stays apart from 0.0). */
    private static void mergeConstants(Graph g, Rewriter rw) {
        List<Constant> kept = new ArrayList<>();
        for (Constant c : g.constants()) {
            Constant same = null;
            for (Constant k : kept) {
                if (k.value().contentEquals(c.value())) {
                    same = k;
                    break;
                }
            }
            if (same == null) {
                kept.add(c);
                rw.addConstant(c);
            } else {
                rw.replace(c.var(), same.var());
            }
        }
    }
}
