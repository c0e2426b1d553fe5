package dev.kiln.ir.opt;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Constant;
import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Var;
import dev.kiln.ir.prim.BroadcastInDim;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who defines and who reads each variable of a graph: what a pattern-matching pass needs before it
 * rewrites, to know whether a value has readers other than the ones it replaces.
 */
final class GraphIndex {
    /**
     * The index of the graph the passes last indexed, while an {@link Optimizer} runs: once the
     * passes stop changing the graph, each clipping rewrite and the reduction-order pass look at the
     * same graph, and building its index was most of their cost.
     */
    static final ScopedValue<Memo> MEMO = ScopedValue.newInstance();

    /** One remembered index (graphs are immutable, so an index stays valid for its graph). */
    static final class Memo {
        private Graph graph;
        private GraphIndex index;
    }

    private final Map<Var, Equation> definitions;
    private final Map<Var, Constant> constants = new IdentityHashMap<>();
    private final Map<Var, List<Equation>> readers;
    private final Set<Var> outputs = Collections.newSetFromMap(new IdentityHashMap<>());

    /** The index of {@code g}: remembered for the next pass while an optimiser runs, built afresh otherwise. */
    static GraphIndex of(Graph g) {
        if (!MEMO.isBound()) {
            return new GraphIndex(g);
        }
        Memo m = MEMO.get();
        if (m.graph != g) {
            m.index = new GraphIndex(g);
            m.graph = g;
        }
        return m.index;
    }

    private GraphIndex(Graph g) {
        // Sized for the graph up front: growing an identity map rehashes it each time it doubles.
        int n = g.equations().size() + g.inputs().size() + g.constants().size();
        definitions = new IdentityHashMap<>(n);
        readers = new IdentityHashMap<>(n);
        for (Constant c : g.constants()) {
            constants.put(c.var(), c);
        }
        for (Equation eq : g.equations()) {
            definitions.put(eq.out(), eq);
            for (Atom a : eq.inputs()) {
                if (a instanceof Var v) {
                    List<Equation> r = readers.computeIfAbsent(v, k -> new ArrayList<>());
                    if (r.isEmpty() || r.get(r.size() - 1) != eq) {
                        r.add(eq);
                    }
                }
            }
        }
        for (Atom a : g.outputs()) {
            if (a instanceof Var v) {
                outputs.add(v);
            }
        }
    }

    /** The equation defining {@code a}, or null for inputs, constants and literals. */
    Equation definition(Atom a) {
        return a instanceof Var v ? definitions.get(v) : null;
    }

    /** The distinct equations reading {@code v}, in graph order. */
    List<Equation> readers(Var v) {
        return readers.getOrDefault(v, List.of());
    }

    boolean isOutput(Var v) {
        return outputs.contains(v);
    }

    /**
     * Whether every element of {@code a} is zero: a literal or constant of zeros, or a broadcast
     * of one (how traced code makes the zero array a scatter adds into).
     */
    boolean isZeros(Atom a) {
        if (a instanceof Literal l) {
            return l.value() == 0;
        }
        Constant c = a instanceof Var v ? constants.get(v) : null;
        if (c != null) {
            for (int i = 0; i < c.value().size(); i++) {
                if (c.value().getDouble(i) != 0) {
                    return false;
                }
            }
            return true;
        }
        Equation d = definition(a);
        return d != null && d.primitive() instanceof BroadcastInDim && isZeros(d.input(0));
    }
}
