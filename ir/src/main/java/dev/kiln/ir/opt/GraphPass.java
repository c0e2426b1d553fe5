package dev.kiln.ir.opt;

import dev.kiln.ir.Graph;

/** One graph-to-graph rewrite of the optimiser. A pass that changes nothing returns an equal graph. */
public interface GraphPass {
    /** A short name for logs and dumps, e.g. {@code dce}. */
    String name();

    Graph run(Graph graph);
}
