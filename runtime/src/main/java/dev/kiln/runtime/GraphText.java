package dev.kiln.runtime;

import dev.kiln.ir.Graph;
import dev.kiln.ir.text.GraphPrinter;

/** IR text for dumps and commands: a stage header, short source lines, large constants summarised. */
public final class GraphText {
    private GraphText() {
    }

    public static String print(Graph g, String stage) {
        return GraphPrinter.print(g, GraphPrinter.Options.human().withStage(stage));
    }
}
