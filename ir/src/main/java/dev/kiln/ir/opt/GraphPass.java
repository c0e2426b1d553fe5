package dev.kiln.ir.opt;

import dev.kiln.ir.Equation;
import dev.kiln.ir.Graph;
import dev.kiln.ir.prim.Primitive;

/** One graph-to-graph rewrite of the optimiser. A pass that changes nothing returns an equal graph. */
public interface GraphPass {
    /** A short name for logs and dumps, e.g. {@code dce}. */
    String name();

    Graph run(Graph graph);

    /**
     * Whether running the pass on its own output never changes it, so the optimiser need not run
     * it again on a graph it just produced.
     */
    default boolean idempotent() {
        return false;
    }

    /**
     * Whether some equation of {@code g} applies a primitive of {@code kind}: a pass that rewrites
     * only around such equations returns at once without it, before building any index (the
     * optimiser runs every pass until none changes the graph, so a pass with nothing to do still
     * runs two or three times on every graph).
     */
    static boolean applies(Graph g, Class<? extends Primitive> kind) {
        for (Equation eq : g.equations()) {
            if (kind.isInstance(eq.primitive())) {
                return true;
            }
        }
        return false;
    }
}
