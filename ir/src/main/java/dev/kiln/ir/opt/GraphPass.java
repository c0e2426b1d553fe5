package dev.kiln.ir.opt;

import dev.kiln.ir.Graph;

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
}
