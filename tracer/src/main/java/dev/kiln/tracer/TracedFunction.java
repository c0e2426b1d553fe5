package dev.kiln.tracer;

import dev.kiln.ir.Graph;
import dev.kiln.tracer.tree.TreeDef;
import java.util.List;

/**
 * A function traced at one abstract signature: its graph, the structure of its arguments and of
 * its result. The graph's inputs are the argument leaves in order, followed by one input per
 * {@code captured} tensor — tracers of enclosing traces that the function closed over, which
 * must be passed along when the graph is applied.
 */
public record TracedFunction(Graph graph, TreeDef inTree, TreeDef outTree, List<Tensor> captured) {
    public TracedFunction {
        captured = List.copyOf(captured);
    }

    /** The number of graph inputs that come from the arguments (the rest are captures). */
    public int argLeafCount() {
        return inTree.leafCount();
    }
}
